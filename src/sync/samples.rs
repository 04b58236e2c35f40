//! Storing the points of a metric series and keeping its hourly and daily rollups true.
//!
//! A batch of fetched points is written in three steps inside the caller's transaction:
//! 1. read what is stored over the whole hours the batch spans;
//! 2. [`plan_sample_writes`] (pure): only points that are new or whose value changed are written,
//!    so a re-sync of the same span plans nothing and writes nothing;
//! 3. upsert those points (`INSERT … ON CONFLICT DO UPDATE`), then recompute the rollups of the
//!    buckets they touched from *all* points of those buckets — the stored ones included — so a
//!    rerun, an overlap with the previous sync or a value corrected upstream leaves every rollup
//!    equal to one computed from scratch.
//!
//! Hour rollups come from the points; a day rollup is the merge of its 24 hour rollups (count,
//! sum, min, max add up exactly; `last` is the last hour's), which spares reading a day of points.
//! Rollups summarise finite values only: gaps (NaN upstream, NULL here) and infinities are left
//! out (see [`super::query_range`]). A bucket with no finite value has no rollup row.
//!
//! Speed matters here (a first sync can bring millions of points): points go in with one cached
//! prepared statement, and the rollups are computed from the batch in memory merged with the
//! stored points read in step 1, not by reading the batch back.

use rusqlite::{Connection, params};

use crate::domain::{MetricRollup, MetricSample, RollupGrain};
use crate::error::Result;

/// Points to write: those of `fetched` that `stored` lacks or holds with another value.
/// Both are sorted by timestamp with no repeats; so is the result.
pub fn plan_sample_writes(fetched: &[MetricSample], stored: &[MetricSample]) -> Vec<MetricSample> {
    let mut writes = Vec::new();
    let mut stored = stored.iter().peekable();
    for point in fetched {
        while stored.next_if(|s| s.ts < point.ts).is_some() {}
        match stored.next_if(|s| s.ts == point.ts) {
            Some(old) if same_value(old.value, point.value) => {}
            _ => writes.push(*point),
        }
    }
    writes
}

fn same_value(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The points after writing `fetched` over `stored`: the union by timestamp, `fetched` winning.
pub fn merge_samples(fetched: &[MetricSample], stored: &[MetricSample]) -> Vec<MetricSample> {
    let mut out = Vec::with_capacity(fetched.len() + stored.len());
    let (mut i, mut j) = (0, 0);
    while i < fetched.len() && j < stored.len() {
        let (a, b) = (fetched[i], stored[j]);
        if a.ts <= b.ts {
            out.push(a);
            i += 1;
            j += usize::from(a.ts == b.ts);
        } else {
            out.push(b);
            j += 1;
        }
    }
    out.extend_from_slice(&fetched[i..]);
    out.extend_from_slice(&stored[j..]);
    out
}

/// The rollup of one bucket from its points (in time order); `None` when none is finite.
pub fn rollup_of(grain: RollupGrain, bucket: i64, points: &[MetricSample]) -> Option<MetricRollup> {
    let mut finite = points.iter().filter_map(|p| p.value).filter(|v| v.is_finite());
    let first = finite.next()?;
    let mut r = MetricRollup { grain, bucket, count: 1, sum: first, min: first, max: first, last: first };
    for v in finite {
        r.count += 1;
        r.sum += v;
        r.min = r.min.min(v);
        r.max = r.max.max(v);
        r.last = v;
    }
    Some(r)
}

/// A day's rollup from the hour rollups inside it (in time order); `None` when there are none.
pub fn day_of_hours(day: i64, hours: &[MetricRollup]) -> Option<MetricRollup> {
    let (first, rest) = hours.split_first()?;
    let mut r = MetricRollup { grain: RollupGrain::Day, bucket: day, ..*first };
    for h in rest {
        r.count += h.count;
        r.sum += h.sum;
        r.min = r.min.min(h.min);
        r.max = r.max.max(h.max);
        r.last = h.last;
    }
    Some(r)
}

/// Hour buckets holding at least one of `points` (sorted), each once, in order.
pub fn touched_hours(points: &[MetricSample]) -> Vec<i64> {
    let mut hours: Vec<i64> = points.iter().map(|p| RollupGrain::Hour.bucket_of(p.ts)).collect();
    hours.dedup();
    hours
}

/// Writes `fetched` (sorted, no repeated timestamps) into series `series_id`, with its rollups;
/// returns how many points were new or changed. Call it inside a write transaction.
pub fn store_points(conn: &Connection, series_id: i64, fetched: &[MetricSample]) -> Result<usize> {
    let (Some(first), Some(last)) = (fetched.first(), fetched.last()) else { return Ok(0) };
    let from = RollupGrain::Hour.bucket_of(first.ts);
    let until = RollupGrain::Hour.bucket_of(last.ts) + RollupGrain::Hour.seconds();
    let stored = read_points(conn, series_id, from, until)?;
    let writes = plan_sample_writes(fetched, &stored);
    if writes.is_empty() {
        return Ok(0);
    }
    upsert_points(conn, series_id, &writes)?;
    let merged = merge_samples(fetched, &stored);
    refresh_rollups(conn, series_id, &merged, &touched_hours(&writes))?;
    Ok(writes.len())
}

/// Points per upsert statement: one statement of many rows does the per-statement work (reset,
/// the VDBE's setup and teardown) once for all of them. On the million-point benchmark this made
/// parse + store about twice as fast as one row per statement (relative to the `sqlite3` baseline
/// measured in the same runs: 1.3× → 2.6×).
const ROWS_PER_UPSERT: usize = 128;

/// Upserts points into a series, [`ROWS_PER_UPSERT`] rows per statement.
fn upsert_points(conn: &Connection, series_id: i64, points: &[MetricSample]) -> Result<()> {
    let sql = |rows: usize| {
        let values = vec!["(?, ?, ?)"; rows].join(", ");
        format!(
            "INSERT INTO metric_samples (series_id, ts, value) VALUES {values}
             ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value"
        )
    };
    let mut chunks = points.chunks_exact(ROWS_PER_UPSERT);
    let mut many = conn.prepare_cached(&sql(ROWS_PER_UPSERT))?;
    for chunk in &mut chunks {
        for (i, point) in chunk.iter().enumerate() {
            many.raw_bind_parameter(3 * i + 1, series_id)?;
            many.raw_bind_parameter(3 * i + 2, point.ts)?;
            many.raw_bind_parameter(3 * i + 3, point.value)?;
        }
        many.raw_execute()?;
    }
    let mut one = conn.prepare_cached(&sql(1))?;
    for point in chunks.remainder() {
        one.execute(params![series_id, point.ts, point.value])?;
    }
    Ok(())
}

/// Stored points of a series with `from <= ts < until`, oldest first.
pub fn read_points(conn: &Connection, series_id: i64, from: i64, until: i64) -> Result<Vec<MetricSample>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts, value FROM metric_samples WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
    )?;
    let rows =
        stmt.query_map(params![series_id, from, until], |r| Ok(MetricSample { ts: r.get(0)?, value: r.get(1)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Recomputes the hour rollups of `hours` from `points` (every stored point of those hours,
/// sorted), then the day rollups of the days they fall in.
fn refresh_rollups(conn: &Connection, series_id: i64, points: &[MetricSample], hours: &[i64]) -> Result<()> {
    let hour = RollupGrain::Hour.seconds();
    let mut rest = points;
    for &bucket in hours {
        let start = rest.partition_point(|p| p.ts < bucket);
        let end = start + rest[start..].partition_point(|p| p.ts < bucket + hour);
        write_rollup(
            conn,
            series_id,
            RollupGrain::Hour,
            bucket,
            rollup_of(RollupGrain::Hour, bucket, &rest[start..end]),
        )?;
        rest = &rest[end..];
    }
    let mut days: Vec<i64> = hours.iter().map(|&h| RollupGrain::Day.bucket_of(h)).collect();
    days.dedup();
    let (Some(&first_day), Some(&last_day)) = (days.first(), days.last()) else { return Ok(()) };
    let stored_hours =
        read_rollups(conn, series_id, RollupGrain::Hour, first_day, last_day + RollupGrain::Day.seconds())?;
    let mut rest = stored_hours.as_slice();
    for day in days {
        let start = rest.partition_point(|r| r.bucket < day);
        let end = start + rest[start..].partition_point(|r| r.bucket < day + RollupGrain::Day.seconds());
        write_rollup(conn, series_id, RollupGrain::Day, day, day_of_hours(day, &rest[start..end]))?;
        rest = &rest[end..];
    }
    Ok(())
}

fn write_rollup(
    conn: &Connection,
    series_id: i64,
    grain: RollupGrain,
    bucket: i64,
    rollup: Option<MetricRollup>,
) -> Result<()> {
    match rollup {
        Some(r) => {
            conn.prepare_cached(
                "INSERT INTO metric_rollups (series_id, grain, bucket, count, sum, min, max, last)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (series_id, grain, bucket) DO UPDATE SET count = excluded.count, sum = excluded.sum,
                     min = excluded.min, max = excluded.max, last = excluded.last",
            )?
            .execute(params![series_id, grain.as_str(), bucket, r.count, r.sum, r.min, r.max, r.last])?;
        }
        None => {
            conn.prepare_cached("DELETE FROM metric_rollups WHERE series_id = ?1 AND grain = ?2 AND bucket = ?3")?
                .execute(params![series_id, grain.as_str(), bucket])?;
        }
    }
    Ok(())
}

/// Stored rollups of a series and grain with `from <= bucket < until`, oldest first.
pub fn read_rollups(
    conn: &Connection,
    series_id: i64,
    grain: RollupGrain,
    from: i64,
    until: i64,
) -> Result<Vec<MetricRollup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bucket, count, sum, min, max, last FROM metric_rollups
         WHERE series_id = ?1 AND grain = ?2 AND bucket >= ?3 AND bucket < ?4 ORDER BY bucket",
    )?;
    let rows = stmt.query_map(params![series_id, grain.as_str(), from, until], |r| {
        Ok(MetricRollup {
            grain,
            bucket: r.get(0)?,
            count: r.get(1)?,
            sum: r.get(2)?,
            min: r.get(3)?,
            max: r.get(4)?,
            last: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(ts: i64, value: Option<f64>) -> MetricSample {
        MetricSample { ts, value }
    }

    #[test]
    fn only_new_and_changed_points_are_planned() {
        let stored = [p(0, Some(1.0)), p(60, None), p(120, Some(3.0)), p(180, Some(f64::INFINITY))];
        let cases: Vec<(&str, Vec<MetricSample>, Vec<MetricSample>)> = vec![
            ("nothing fetched", vec![], vec![]),
            ("the same points again", stored.to_vec(), vec![]),
            ("a changed value", vec![p(120, Some(3.5))], vec![p(120, Some(3.5))]),
            ("a gap filled in", vec![p(60, Some(2.0))], vec![p(60, Some(2.0))]),
            ("a value turned into a gap", vec![p(0, None)], vec![p(0, None)]),
            (
                "new points before, between and after",
                vec![p(-60, Some(0.0)), p(90, Some(9.0)), p(240, Some(4.0))],
                vec![p(-60, Some(0.0)), p(90, Some(9.0)), p(240, Some(4.0))],
            ),
            ("infinity equals itself", vec![p(180, Some(f64::INFINITY))], vec![]),
            (
                "the sign of an infinity matters",
                vec![p(180, Some(f64::NEG_INFINITY))],
                vec![p(180, Some(f64::NEG_INFINITY))],
            ),
        ];
        for (name, fetched, expected) in cases {
            assert_eq!(plan_sample_writes(&fetched, &stored), expected, "{name}");
        }
        assert_eq!(plan_sample_writes(&[p(5, Some(1.0))], &[]), vec![p(5, Some(1.0))], "an empty store takes all");
    }

    #[test]
    fn merging_keeps_every_timestamp_once_with_the_fetched_value() {
        let stored = [p(0, Some(1.0)), p(60, Some(2.0)), p(180, Some(4.0))];
        let fetched = [p(60, Some(20.0)), p(120, Some(30.0)), p(240, None)];
        assert_eq!(
            merge_samples(&fetched, &stored),
            vec![p(0, Some(1.0)), p(60, Some(20.0)), p(120, Some(30.0)), p(180, Some(4.0)), p(240, None)]
        );
    }

    #[test]
    fn rollups_summarise_finite_values_only() {
        let points = [p(0, Some(2.0)), p(60, None), p(120, Some(f64::INFINITY)), p(180, Some(-1.0)), p(240, Some(5.0))];
        let r = rollup_of(RollupGrain::Hour, 0, &points).unwrap();
        assert_eq!((r.count, r.sum, r.min, r.max, r.last), (3, 6.0, -1.0, 5.0, 5.0));
        assert_eq!(r.mean(), Some(2.0));
        assert_eq!(rollup_of(RollupGrain::Hour, 0, &[p(0, None), p(60, Some(f64::NEG_INFINITY))]), None);
    }

    #[test]
    fn a_day_is_the_merge_of_its_hours() {
        let hours = [
            MetricRollup { grain: RollupGrain::Hour, bucket: 0, count: 2, sum: 3.0, min: 1.0, max: 2.0, last: 2.0 },
            MetricRollup {
                grain: RollupGrain::Hour,
                bucket: 7200,
                count: 1,
                sum: -4.0,
                min: -4.0,
                max: -4.0,
                last: -4.0,
            },
        ];
        let day = day_of_hours(0, &hours).unwrap();
        assert_eq!(
            day,
            MetricRollup { grain: RollupGrain::Day, bucket: 0, count: 3, sum: -1.0, min: -4.0, max: 2.0, last: -4.0 }
        );
        assert_eq!(day_of_hours(0, &[]), None);
    }

    /// A portfolio with one model and one metric series (id 1).
    fn store_with_series() -> (tempfile::TempDir, crate::store::Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open_as(&dir.path().join("p.db"), "tester").unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO models (id, name, stage, risk_tier) VALUES (1, 'm', 'production', 'low');
                 INSERT INTO metric_series (id, model_id, key, unit) VALUES (1, 1, 'k', 'u');",
            )
            .unwrap();
        (dir, store)
    }

    fn all_rollups(conn: &Connection, grain: RollupGrain) -> Vec<MetricRollup> {
        read_rollups(conn, 1, grain, i64::MIN, i64::MAX).unwrap()
    }

    #[test]
    fn overlapping_and_corrected_batches_leave_rollups_as_if_computed_from_scratch() {
        let (_dir, mut store) = store_with_series();
        let minute = |i: i64, v: f64| p(i * 60, if i % 97 == 0 { None } else { Some(v) });
        // Two days of one-minute points in two overlapping batches; the second corrects 300 points.
        let first: Vec<MetricSample> = (0..2_000).map(|i| minute(i, i as f64)).collect();
        let second: Vec<MetricSample> = (1_700..2_880).map(|i| minute(i, (i as f64) * 2.0)).collect();
        let written = store.in_transaction(|tx, _| store_points(tx, 1, &first)).unwrap();
        assert_eq!(written, 2_000);
        let written = store.in_transaction(|tx, _| store_points(tx, 1, &second)).unwrap();
        assert_eq!(
            written,
            1_180 - 3,
            "new and changed points; the 3 overlapping gaps (1746, 1843, 1940) are unchanged"
        );
        assert_eq!(store.in_transaction(|tx, _| store_points(tx, 1, &second)).unwrap(), 0, "a rerun writes nothing");

        let all = merge_samples(&second, &first);
        assert_eq!(read_points(store.conn(), 1, i64::MIN, i64::MAX).unwrap(), all);
        let expected = |grain: RollupGrain| -> Vec<MetricRollup> {
            let mut buckets: Vec<i64> = all.iter().map(|p| grain.bucket_of(p.ts)).collect();
            buckets.dedup();
            buckets
                .into_iter()
                .filter_map(|b| {
                    let inside: Vec<MetricSample> =
                        all.iter().copied().filter(|p| grain.bucket_of(p.ts) == b).collect();
                    rollup_of(grain, b, &inside)
                })
                .collect()
        };
        assert_eq!(all_rollups(store.conn(), RollupGrain::Hour), expected(RollupGrain::Hour));
        assert_eq!(all_rollups(store.conn(), RollupGrain::Day), expected(RollupGrain::Day));
    }

    #[test]
    fn a_bucket_whose_values_all_became_gaps_loses_its_rollup() {
        let (_dir, mut store) = store_with_series();
        store.in_transaction(|tx, _| store_points(tx, 1, &[p(0, Some(1.0)), p(60, Some(2.0))])).unwrap();
        assert_eq!(all_rollups(store.conn(), RollupGrain::Hour).len(), 1);
        store.in_transaction(|tx, _| store_points(tx, 1, &[p(0, None), p(60, Some(f64::INFINITY))])).unwrap();
        assert!(all_rollups(store.conn(), RollupGrain::Hour).is_empty());
        assert!(all_rollups(store.conn(), RollupGrain::Day).is_empty());
    }
}
