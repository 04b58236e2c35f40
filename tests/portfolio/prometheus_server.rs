//! A real Prometheus for the connector tests: Debian's `prometheus`, loaded with history from an
//! OpenMetrics file the test writes (so every expected value is known) through
//! `promtool tsdb create-blocks-from openmetrics`, serving on a free port, killed on drop.
//!
//! The dataset of [`known_history`] lies in whole UTC days ending before today, so "now" can be
//! the real clock: a first sync (30 days back) reaches all of it, and nothing new ever arrives.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
pub const GIB: i64 = 1 << 30;

/// A running Prometheus; dropping it kills the process.
#[derive(Debug)]
pub struct PrometheusServer {
    child: Child,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn require(program: &str) {
    let found = Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(
        found.is_ok_and(|s| s.success()),
        "`{program}` is needed by the Prometheus connector tests and was not found: install it with \
         `apt-get install prometheus` (scripts/test does this when run as root)"
    );
}

impl PrometheusServer {
    /// Loads `openmetrics` (a whole file, ending with `# EOF`) and starts Prometheus on it.
    pub fn start(openmetrics: &str) -> PrometheusServer {
        require("promtool");
        require("prometheus");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let data = dir.path().join("data");
        let input = dir.path().join("history.om");
        std::fs::write(&input, openmetrics).expect("the OpenMetrics file is written");
        let out = Command::new("promtool")
            .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
            .arg(&input)
            .arg(&data)
            .output()
            .expect("promtool runs");
        assert!(out.status.success(), "promtool refused the history: {}", String::from_utf8_lossy(&out.stderr));
        let config = dir.path().join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 1h\nscrape_configs: []\n").expect("config written");
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log file");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--storage.tsdb.retention.time=3650d")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("prometheus starts");
        let mut server = PrometheusServer { child, url: format!("http://127.0.0.1:{port}"), dir };
        server.wait_ready(port);
        server
    }

    fn wait_ready(&mut self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if get_status(port, "/-/ready") == Some(200) {
                return;
            }
            let exited = self.child.try_wait().ok().flatten();
            if exited.is_some() || Instant::now() > deadline {
                panic!("prometheus did not become ready ({exited:?}); its log:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }
}

/// The HTTP status of a GET, or `None` if nothing answers.
fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Today's UTC midnight, seconds since the epoch.
pub fn today() -> i64 {
    let now = chrono::Utc::now().timestamp();
    now - now.rem_euclid(DAY)
}

/// The history every connector test loads, and the values it holds.
#[derive(Debug)]
pub struct KnownHistory {
    pub openmetrics: String,
    /// `model_latency_ms{model="fraud-gbm"}`: every minute for 10 days, with a NaN and a +Inf.
    pub fraud_latency: Vec<(i64, f64)>,
    /// `model_latency_ms{model="churn-xgb"}`: every minute for 2 days.
    pub churn_latency: Vec<(i64, f64)>,
    /// `model_requests_total{model="fraud-gbm"}`: a counter rising by 60 a minute for a day.
    pub fraud_requests: Vec<(i64, f64)>,
    /// The first of the three days of OpenCost metrics.
    pub cost_start: i64,
}

pub const FRAUD_POINTS: usize = 10 * 1_440;
pub const FRAUD_NAN_AT: usize = 100;
pub const FRAUD_INF_AT: usize = 200;

/// Writes the history: model gauges and a counter, and OpenCost's metrics for two namespaces on
/// one GPU node — `fraud` holds half a GPU on the first day and a quarter on the next two.
pub fn known_history() -> KnownHistory {
    let start = today() - 11 * DAY;
    let fraud_latency: Vec<(i64, f64)> = (0..FRAUD_POINTS)
        .map(|i| {
            let value = match i {
                FRAUD_NAN_AT => f64::NAN,
                FRAUD_INF_AT => f64::INFINITY,
                _ => 10.0 + (i % 500) as f64 * 0.5,
            };
            (start + i as i64 * 60, value)
        })
        .collect();
    let churn_latency: Vec<(i64, f64)> =
        (0..2 * 1_440).map(|i| (start + 8 * DAY + i as i64 * 60, 100.0 + (i % 7) as f64)).collect();
    let fraud_requests: Vec<(i64, f64)> = (0..1_440).map(|i| (start + i as i64 * 60, 60.0 * i as f64)).collect();

    let mut om = String::new();
    om.push_str("# TYPE model_latency_ms gauge\n");
    for (model, points) in [("fraud-gbm", &fraud_latency), ("churn-xgb", &churn_latency)] {
        for (ts, v) in points {
            let _ = writeln!(om, "model_latency_ms{{model=\"{model}\"}} {} {ts}", om_value(*v));
        }
    }
    om.push_str("# TYPE model_requests counter\n");
    for (ts, v) in &fraud_requests {
        let _ = writeln!(om, "model_requests_total{{model=\"fraud-gbm\"}} {v} {ts}");
    }

    // OpenCost: three days, a sample every 10 minutes, the last at 23:50 of the third day (so the
    // hourly evaluation at the next midnight finds nothing within Prometheus' 5-minute lookback).
    let cost_start = start + 7 * DAY;
    let times: Vec<i64> = (0..3 * 24 * 6).map(|i| cost_start + i * 600).collect();
    let node = r#"node="gpu-node-1""#;
    let gauge = |om: &mut String, name: &str, labels: &str, value: &dyn Fn(i64) -> f64| {
        for ts in &times {
            let _ = writeln!(om, "{name}{{{labels}}} {} {ts}", value(*ts));
        }
    };
    for (name, price) in [
        ("node_gpu_hourly_cost", 2.5),
        ("node_cpu_hourly_cost", 0.04),
        ("node_ram_hourly_cost", 0.005),
        ("node_total_hourly_cost", 10.0),
    ] {
        let _ = writeln!(om, "# TYPE {name} gauge");
        gauge(&mut om, name, &format!(r#"instance="opencost:9003",{node}"#), &|_| price);
    }
    let fraud = format!(r#"container="scorer",namespace="fraud",{node},pod="fraud-0""#);
    let churn = format!(r#"container="trainer",namespace="churn",{node},pod="churn-0""#);
    let system = format!(r#"container="dns",namespace="kube-system",{node},pod="dns-0""#);
    om.push_str("# TYPE container_gpu_allocation gauge\n");
    gauge(&mut om, "container_gpu_allocation", &fraud, &|ts| if ts < cost_start + DAY { 0.5 } else { 0.25 });
    om.push_str("# TYPE container_cpu_allocation gauge\n");
    gauge(&mut om, "container_cpu_allocation", &fraud, &|_| 1.0);
    gauge(&mut om, "container_cpu_allocation", &churn, &|_| 2.0);
    gauge(&mut om, "container_cpu_allocation", &system, &|_| 0.5);
    om.push_str("# TYPE container_memory_allocation_bytes gauge\n");
    gauge(&mut om, "container_memory_allocation_bytes", &fraud, &|_| (2 * GIB) as f64);
    gauge(&mut om, "container_memory_allocation_bytes", &churn, &|_| (4 * GIB) as f64);
    om.push_str("# EOF\n");
    debug_assert!(times.last().is_some_and(|t| t % HOUR == 3_000));
    KnownHistory { openmetrics: om, fraud_latency, churn_latency, fraud_requests, cost_start }
}

fn om_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else {
        v.to_string()
    }
}
