//! An empty Tauri 2 window: the baseline that benches/startup compares the desktop app against.
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("cannot start the empty window");
}
