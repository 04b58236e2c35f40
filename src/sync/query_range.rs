//! Prometheus `query_range` answers, read straight into compact series.
//!
//! A range answer for a month of one-minute points is tens of megabytes of
//! `[1712345678,"0.0123"]` pairs, so it is never built as a `serde_json::Value`: hand-written serde
//! visitors turn each pair into a [`MetricSample`] (16 bytes of timestamp and value) as the bytes
//! are read, and keep the labels of each series as a sorted list.
//!
//! # Values
//! Prometheus sends values as strings. They are read as follows:
//! - `"NaN"` (what `0/0` or an empty `histogram_quantile` gives) → `None`: a gap at that
//!   timestamp, stored as SQL NULL, skipped by rollups and by "latest value".
//! - `"+Inf"` / `"-Inf"` → kept as IEEE infinities: SQLite stores them, `metrics` shows them
//!   (a p95 latency of +Inf means every request was slower than the highest histogram bucket,
//!   which is worth seeing). Rollups summarise finite values only, because one +Inf would make a
//!   whole day's mean +Inf and `+Inf + -Inf` has no value at all.
//! - anything else must be a decimal number; otherwise the answer is refused with the place,
//!   e.g. `data.result[2].values[17]: "abc" is not a number`.
//!
//! Timestamps are float seconds; they are rounded to whole seconds (the sync asks for integral
//! start times and steps, so nothing is lost) and must rise strictly within a series.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::domain::MetricSample;
use crate::error::{Error, Result};

/// The series of one `query_range` answer (`resultType` `matrix`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RangeAnswer {
    pub series: Vec<RangeSeries>,
}

/// One series of a range answer: its label set and its points, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RangeSeries {
    /// Label names and values, sorted by name (`__name__` included when the query keeps it).
    pub labels: Vec<(String, String)>,
    pub samples: Vec<MetricSample>,
}

impl RangeSeries {
    /// The label set as PromQL writes it: `{namespace="fraud", pod="fraud-0"}`.
    pub fn label_text(&self) -> String {
        let inner: Vec<String> = self.labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        format!("{{{}}}", inner.join(", "))
    }

    /// The value of label `name`, if the series has it.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses a `query_range` answer body (for callers that hold the bytes themselves; the HTTP
/// client decodes [`RangeAnswer`] directly).
pub fn parse(body: &[u8]) -> Result<RangeAnswer> {
    serde_json::from_slice(body)
        .map_err(|e| Error::Network(format!("the answer is not a Prometheus range query result: {e}")))
}

/// Reads one value string (see the module docs).
pub fn parse_value(text: &str) -> Option<Option<f64>> {
    match text {
        "NaN" => Some(None),
        "+Inf" | "Inf" => Some(Some(f64::INFINITY)),
        "-Inf" => Some(Some(f64::NEG_INFINITY)),
        _ => {
            let bytes = text.as_bytes();
            // Only plain decimal notation: Rust would also accept "inf" or "infinity".
            let plain = !bytes.is_empty()
                && bytes.iter().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
            if !plain {
                return None;
            }
            text.parse::<f64>().ok().map(|v| (!v.is_nan()).then_some(v))
        }
    }
}

impl<'de> Deserialize<'de> for RangeAnswer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RangeAnswer, D::Error> {
        deserializer.deserialize_map(AnswerVisitor)
    }
}

struct AnswerVisitor;

impl<'de> Visitor<'de> for AnswerVisitor {
    type Value = RangeAnswer;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Prometheus API answer ({\"status\": ..., \"data\": ...})")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RangeAnswer, A::Error> {
        let mut status: Option<String> = None;
        let mut data: Option<Data> = None;
        let mut error: Option<String> = None;
        let mut error_type: Option<String> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Status => status = Some(map.next_value()?),
                Key::Data => data = Some(map.next_value_seed(DataSeed)?),
                Key::Error => error = map.next_value()?,
                Key::ErrorType => error_type = map.next_value()?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match status.as_deref() {
            Some("success") => {}
            Some("error") => {
                return Err(de::Error::custom(format_args!(
                    "Prometheus refused the query ({}): {}",
                    error_type.as_deref().unwrap_or("no errorType"),
                    error.as_deref().unwrap_or("no message")
                )));
            }
            Some(other) => return Err(de::Error::custom(format_args!("status: `{other}` is not `success`"))),
            None => return Err(de::Error::custom("the answer has no `status`; is this a Prometheus API?")),
        }
        let data = data.ok_or_else(|| de::Error::custom("the answer has no `data`"))?;
        match data.result_type.as_deref() {
            Some("matrix") => Ok(RangeAnswer { series: data.series }),
            Some(other) => Err(de::Error::custom(format_args!(
                "data.resultType: `{other}` is not `matrix`; a range query must return a range vector"
            ))),
            None => Err(de::Error::custom("data: there is no `resultType`")),
        }
    }
}

/// The keys of the answer and of `data`, matched without allocating.
enum Key {
    Status,
    Data,
    Error,
    ErrorType,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "status" => Key::Status,
                    "data" => Key::Data,
                    "error" => Key::Error,
                    "errorType" => Key::ErrorType,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct Data {
    result_type: Option<String>,
    series: Vec<RangeSeries>,
}

struct DataSeed;

impl<'de> DeserializeSeed<'de> for DataSeed {
    type Value = Data;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Data, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DataSeed {
    type Value = Data;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("data: an object with `resultType` and `result`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
        let mut data = Data { result_type: None, series: Vec::new() };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "resultType" => data.result_type = Some(map.next_value()?),
                "result" => data.series = map.next_value_seed(ResultSeed)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(data)
    }
}

struct ResultSeed;

impl<'de> DeserializeSeed<'de> for ResultSeed {
    type Value = Vec<RangeSeries>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<RangeSeries>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResultSeed {
    type Value = Vec<RangeSeries>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("data.result: a list of series")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<RangeSeries>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(4096));
        while let Some(series) = seq.next_element_seed(SeriesSeed { index: out.len() })? {
            out.push(series);
        }
        Ok(out)
    }
}

struct SeriesSeed {
    index: usize,
}

impl<'de> DeserializeSeed<'de> for SeriesSeed {
    type Value = RangeSeries;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RangeSeries, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SeriesSeed {
    type Value = RangeSeries;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "data.result[{}]: a series ({{\"metric\": ..., \"values\": ...}})", self.index)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RangeSeries, A::Error> {
        let mut series = RangeSeries::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "metric" => {
                    let labels: std::collections::BTreeMap<String, String> = map.next_value()?;
                    series.labels = labels.into_iter().collect();
                }
                "values" => series.samples = map.next_value_seed(ValuesSeed { series: self.index })?,
                "histograms" => {
                    return Err(de::Error::custom(format_args!(
                        "data.result[{}]: native histograms are not supported; bind a query that returns \
                         plain numbers, e.g. histogram_quantile(0.95, ...)",
                        self.index
                    )));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(series)
    }
}

struct ValuesSeed {
    series: usize,
}

impl<'de> DeserializeSeed<'de> for ValuesSeed {
    type Value = Vec<MetricSample>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<MetricSample>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ValuesSeed {
    type Value = Vec<MetricSample>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "data.result[{}].values: a list of [timestamp, \"value\"] pairs", self.series)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<MetricSample>, A::Error> {
        let mut out: Vec<MetricSample> = Vec::with_capacity(seq.size_hint().unwrap_or(1024).min(11_000));
        while let Some(sample) = seq.next_element_seed(PairSeed { series: self.series, index: out.len() })? {
            if let Some(before) = out.last()
                && sample.ts <= before.ts
            {
                return Err(de::Error::custom(format_args!(
                    "data.result[{}].values[{}]: timestamp {} does not come after {}",
                    self.series,
                    out.len(),
                    sample.ts,
                    before.ts
                )));
            }
            out.push(sample);
        }
        Ok(out)
    }
}

#[derive(Clone, Copy)]
struct PairSeed {
    series: usize,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for PairSeed {
    type Value = MetricSample;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<MetricSample, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PairSeed {
    type Value = MetricSample;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "data.result[{}].values[{}]: a [timestamp, \"value\"] pair", self.series, self.index)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MetricSample, A::Error> {
        let place = || format!("data.result[{}].values[{}]", self.series, self.index);
        let Some(ts) = seq.next_element::<f64>()? else {
            return Err(de::Error::custom(format_args!("{}: the pair is empty", place())));
        };
        if !ts.is_finite() || ts.abs() > 1e11 {
            return Err(de::Error::custom(format_args!("{}: {ts} is not a timestamp in seconds", place())));
        }
        let Some(value) = seq.next_element_seed(ValueSeed(self))? else {
            return Err(de::Error::custom(format_args!("{}: the pair has no value", place())));
        };
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(format_args!("{}: a pair has two elements, this one more", place())));
        }
        Ok(MetricSample { ts: ts.round() as i64, value })
    }
}

struct ValueSeed(PairSeed);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Option<f64>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<f64>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for ValueSeed {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "data.result[{}].values[{}]: the value as a string", self.0.series, self.0.index)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Option<f64>, E> {
        parse_value(text).ok_or_else(|| {
            E::custom(format_args!(
                "data.result[{}].values[{}]: {:?} is not a number",
                self.0.series,
                self.0.index,
                crate::domain::shorten(text, 80)
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ts: i64, value: Option<f64>) -> MetricSample {
        MetricSample { ts, value }
    }

    #[test]
    fn a_matrix_answer_becomes_compact_series() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"model":"fraud","__name__":"latency"},"values":[[1700000000,"1.5"],[1700000060.0,"NaN"],
             [1700000120,"+Inf"],[1700000180,"-Inf"],[1700000240,"2e3"],[1700000300,"-0.25"]]},
            {"metric":{},"values":[]}]},"warnings":["ignored"]}"#;
        let answer = parse(body).unwrap();
        assert_eq!(answer.series.len(), 2);
        let first = &answer.series[0];
        assert_eq!(first.labels, vec![("__name__".into(), "latency".into()), ("model".into(), "fraud".into())]);
        assert_eq!(first.label_text(), r#"{__name__="latency", model="fraud"}"#);
        assert_eq!(
            first.samples,
            vec![
                sample(1_700_000_000, Some(1.5)),
                sample(1_700_000_060, None),
                sample(1_700_000_120, Some(f64::INFINITY)),
                sample(1_700_000_180, Some(f64::NEG_INFINITY)),
                sample(1_700_000_240, Some(2000.0)),
                sample(1_700_000_300, Some(-0.25)),
            ]
        );
        assert!(answer.series[1].samples.is_empty());
    }

    #[test]
    fn fractional_timestamps_round_to_the_second() {
        let body = br#"{"data":{"result":[{"metric":{},"values":[[1435781430.781,"1"]]}],"resultType":"matrix"},
            "status":"success"}"#;
        assert_eq!(parse(body).unwrap().series[0].samples, vec![sample(1_435_781_431, Some(1.0))]);
    }

    #[test]
    fn values_that_are_not_numbers_name_their_place() {
        let cases: [(&str, &str); 8] = [
            (r#"[[1,"1"],[2,"abc"]]"#, r#"data.result[0].values[1]: "abc" is not a number"#),
            (r#"[[1,"inf"]]"#, r#"data.result[0].values[0]: "inf" is not a number"#),
            (r#"[[1,""]]"#, r#"data.result[0].values[0]: "" is not a number"#),
            (r#"[[1,2]]"#, "data.result[0].values[0]: the value as a string"),
            (r#"[["x","1"]]"#, "invalid type: string \"x\", expected f64"),
            (r#"[[1]]"#, "data.result[0].values[0]: the pair has no value"),
            (r#"[[1,"1","2"]]"#, "data.result[0].values[0]: a pair has two elements"),
            (r#"[[5,"1"],[5,"2"]]"#, "data.result[0].values[1]: timestamp 5 does not come after 5"),
        ];
        for (values, expected) in cases {
            let body = format!(
                r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{}},"values":{values}}}]}}}}"#
            );
            let message = parse(body.as_bytes()).unwrap_err().to_string();
            assert!(message.contains(expected), "{values}: {message}");
        }
    }

    #[test]
    fn malformed_and_foreign_answers_are_refused_with_the_reason() {
        let cases: [(&[u8], &str); 7] = [
            (
                br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],"#,
                "EOF while parsing",
            ),
            (b"<html><body>Login</body></html>", "expected value at line 1 column 1"),
            (
                br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
                "data.resultType: `vector` is not `matrix`",
            ),
            (
                br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#,
                "Prometheus refused the query (bad_data): parse error at char 3",
            ),
            (br#"{"data":{"resultType":"matrix","result":[]}}"#, "no `status`"),
            (br#"{"status":"success"}"#, "the answer has no `data`"),
            (
                br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"histograms":[]}]}}"#,
                "native histograms are not supported",
            ),
        ];
        for (body, expected) in cases {
            let message = parse(body).unwrap_err().to_string();
            assert!(message.contains(expected), "{}: {message}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn truncated_json_names_line_and_column() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"#;
        let message = parse(body).unwrap_err().to_string();
        assert!(message.contains("line 1 column"), "{message}");
    }
}
