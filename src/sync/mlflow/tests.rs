use super::*;

const US: ConnectionId = ConnectionId(1);
const THEM: ConnectionId = ConnectionId(2);

fn version(number: &str, stage: &str, aliases: &[&str]) -> MlflowVersion {
    MlflowVersion {
        name: "m".into(),
        version: number.into(),
        current_stage: stage.into(),
        run_id: format!("run{number}"),
        status: "READY".into(),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        ..MlflowVersion::default()
    }
}

fn model(name: &str, description: &str) -> RegisteredModel {
    RegisteredModel { name: name.into(), description: description.into(), ..RegisteredModel::default() }
}

#[test]
fn the_serving_version_is_champion_then_production_alias_then_the_highest_production_stage() {
    /// (case, versions, the model's aliases, the serving version)
    type Case<'a> = (&'a str, Vec<MlflowVersion>, Vec<Alias>, Option<&'a str>);
    let cases: &[Case] = &[
        ("no versions", vec![], vec![], None),
        ("nothing in production", vec![version("1", "None", &[]), version("2", "Staging", &[])], vec![], None),
        (
            "the highest Production stage, compared as numbers",
            vec![version("9", "Production", &[]), version("10", "Production", &[]), version("11", "Archived", &[])],
            vec![],
            Some("10"),
        ),
        (
            "a production alias beats the stage",
            vec![version("1", "None", &["production"]), version("2", "Production", &[])],
            vec![],
            Some("1"),
        ),
        (
            "champion beats production, from the model's alias list",
            vec![version("1", "None", &["production"]), version("2", "None", &[])],
            vec![Alias { alias: "Champion".into(), version: "2".into() }],
            Some("2"),
        ),
    ];
    for (case, versions, aliases, expected) in cases {
        let registered = RegisteredModel { aliases: aliases.clone(), ..model("m", "") };
        let serving = serving_version(&registered, versions).map(|v| v.version.as_str());
        assert_eq!(serving, *expected, "{case}");
    }
}

#[test]
fn metric_names_become_series_keys() {
    for (upstream, key) in
        [("val/F1-score", "val_f1_score"), ("accuracy", "accuracy"), ("  Loss (train) ", "loss_train"), ("/", "")]
    {
        assert_eq!(series_key(upstream), key, "{upstream}");
    }
}

#[test]
fn metric_values_read_nan_and_infinities_from_strings() {
    let points: Vec<MetricPoint> = serde_json::from_str(
        r#"[{"key":"a","value":"NaN","timestamp":"1700000000000","step":1},
            {"key":"a","value":"Infinity","timestamp":1700000001000},
            {"key":"a","value":0.5}]"#,
    )
    .unwrap();
    let values: Vec<Option<f64>> = points.iter().map(|p| p.value).collect();
    assert_eq!(values, [None, Some(f64::INFINITY), Some(0.5)]);
    assert_eq!(points[0].timestamp, 1_700_000_000_000, "int64 as a string");
    assert_eq!(points[2].timestamp, 0, "missing fields default");
}

fn fetched(models: Vec<FetchedModel>) -> Fetched {
    Fetched { models }
}

fn fetched_model(name: &str, description: &str, versions: Vec<MlflowVersion>) -> FetchedModel {
    FetchedModel { model: model(name, description), versions, serving: None }
}

/// What the store would hold after `plan`'s creates for a registry of `models` (no series).
fn stored_after(connection_id: ConnectionId, fetched: &Fetched) -> StoredInventory {
    let mut stored = StoredInventory::default();
    let mut next_version = 100;
    for (i, m) in fetched.models.iter().enumerate() {
        let versions = m
            .versions
            .iter()
            .map(|v| {
                next_version += 1;
                let fields = version_fields(&m.model, v);
                let link = version_link(connection_id, v);
                (v.version.clone(), StoredVersion { id: next_version, fields, link: Some(link) })
            })
            .collect();
        let stages: Vec<ModelStage> = m.versions.iter().map(|v| version_fields(&m.model, v).stage).collect();
        stored.models.insert(
            m.model.name.to_lowercase(),
            StoredModel {
                id: ModelId(i as i64 + 1),
                description: m.model.description.clone(),
                stage: model_stage(stages.into_iter()),
                link: Some(ModelLink {
                    connection_id,
                    upstream_name: m.model.name.clone(),
                    tags: BTreeMap::new(),
                    serving_version: None,
                    gone: false,
                }),
                versions,
            },
        );
    }
    stored
}

#[test]
fn a_new_registry_is_created_and_planning_again_finds_nothing_to_do() {
    let registry = fetched(vec![
        fetched_model("fraud", "scores", vec![version("1", "Production", &[]), version("2", "Staging", &[])]),
        fetched_model("empty", "", vec![]),
    ]);
    let ops = plan(US, &registry, &StoredInventory::default());
    let kinds: Vec<&str> = ops
        .iter()
        .map(|op| match op {
            Op::CreateModel { .. } => "create model",
            Op::CreateVersion { .. } => "create version",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["create model", "create version", "create version", "create model"]);
    assert!(matches!(&ops[0], Op::CreateModel { stage: ModelStage::Production, risk_tier: RiskTier::Medium, .. }));
    assert_eq!(plan(US, &registry, &stored_after(US, &registry)), [], "nothing changed, nothing to write");
}

#[test]
fn models_and_versions_gone_upstream_are_marked_and_other_connections_models_left_alone() {
    let before = fetched(vec![
        fetched_model("fraud", "", vec![version("1", "None", &[]), version("2", "None", &[])]),
        fetched_model("legacy", "", vec![]),
        fetched_model("theirs", "", vec![]),
    ]);
    let mut stored = stored_after(US, &before);
    if let Some(theirs) = stored.models.get_mut("theirs").and_then(|m| m.link.as_mut()) {
        theirs.connection_id = THEM;
    }
    let now = fetched(vec![fetched_model("fraud", "", vec![version("1", "None", &[])])]);
    let ops = plan(US, &now, &stored);
    assert_eq!(ops, [Op::MarkVersionGone { id: 102 }, Op::MarkModelGone { id: ModelId(2) }]);

    let theirs_upstream = fetched(vec![fetched_model("THEIRS", "new words", vec![version("1", "None", &[])])]);
    let ops = plan(US, &theirs_upstream, &stored);
    assert!(!ops.iter().any(|op| matches!(op, Op::UpdateModel { id: ModelId(3), .. } | Op::CreateVersion { .. })));
}

#[test]
fn an_empty_upstream_description_keeps_the_local_one_and_local_models_are_adopted() {
    let mut stored = StoredInventory::default();
    stored.models.insert(
        "churn".into(),
        StoredModel {
            id: ModelId(7),
            description: "written by a person".into(),
            stage: ModelStage::Development,
            link: None,
            versions: HashMap::new(),
        },
    );
    let ops = plan(US, &fetched(vec![fetched_model("Churn", "", vec![])]), &stored);
    match ops.as_slice() {
        [Op::UpdateModel { id: ModelId(7), description, link, .. }] => {
            assert_eq!(description, "written by a person");
            assert_eq!(link.connection_id, US);
        }
        other => panic!("expected one adopting update, got {other:?}"),
    }
}

#[test]
fn samples_keep_one_point_per_second_and_only_new_ones_are_planned() {
    let point = |value, timestamp, step| MetricPoint { key: "F1".into(), value: Some(value), timestamp, step };
    let mut registry = fetched(vec![fetched_model("fraud", "", vec![version("1", "None", &["champion"])])]);
    registry.models[0].serving = Some(Serving {
        version: "1".into(),
        metrics: BTreeMap::from([(
            "F1".to_owned(),
            vec![point(0.5, 1_000, 2), point(0.4, 1_999, 1), point(0.6, 1_999, 3), point(0.7, 5_000, 4)],
        )]),
    });
    let mut stored = stored_after(US, &registry);
    if let Some(link) = stored.models.get_mut("fraud").and_then(|m| m.link.as_mut()) {
        link.serving_version = Some("1".into());
    }
    let samples_of = |ops: &[Op]| -> Vec<(i64, Option<f64>)> {
        ops.iter()
            .filter_map(|op| match op {
                Op::Samples { samples, key, .. } if key == "f1" => Some(samples.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    };
    let first = plan(US, &registry, &stored);
    assert_eq!(
        samples_of(&first),
        [(1, Some(0.6)), (5, Some(0.7))],
        "in second 1 the latest timestamp, then step, wins"
    );

    stored.series.insert(
        (ModelId(1), "f1".into()),
        StoredSeries { id: 9, connection_id: Some(US), samples: HashMap::from([(1, Some(0.6))]) },
    );
    assert_eq!(samples_of(&plan(US, &registry, &stored)), [(5, Some(0.7))], "only what is not stored yet");

    if let Some(series) = stored.series.get_mut(&(ModelId(1), "f1".into())) {
        series.connection_id = Some(THEM);
    }
    assert_eq!(samples_of(&plan(US, &registry, &stored)), [], "another source's series is left alone");
}
