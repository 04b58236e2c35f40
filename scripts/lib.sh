# Shared helpers for the scripts in this folder. Source it; do not run it.

# What the Tauri desktop shell needs to build on Debian/Ubuntu.
DESKTOP_BUILD_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libsoup-3.0-dev libssl-dev)

step() { printf '\n==> %s\n' "$*"; }

require_cargo() {
    if ! command -v cargo >/dev/null 2>&1; then
        [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "Rust is not installed. Install it with rustup (https://rustup.rs), then run this again." >&2
        exit 1
    fi
}

# ensure_packages PKG...: installs the Debian/Ubuntu packages that are missing (as root), or says
# which to install.
ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        step "apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    elif command -v sudo >/dev/null 2>&1; then
        step "sudo apt-get install ${missing[*]}"
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        echo "Missing Debian packages: ${missing[*]}. Install them with: apt-get install ${missing[*]}" >&2
        exit 1
    fi
}

require_node() {
    if ! command -v npm >/dev/null 2>&1; then
        echo "Node.js 20.19 or newer with npm is needed for the UI. Install it (e.g. apt-get install nodejs npm, or from nodejs.org), then run this again." >&2
        exit 1
    fi
}

# ensure_mlflow: installs MLflow from PyPI into a venv that later runs reuse, and exports
# MLOPS_PORTFOLIO_MLFLOW for the connector tests. CI (root) keeps it in /var/cache/mlops-portfolio
# beside the build cache; developers in ~/.cache/mlops-portfolio.
ensure_mlflow() {
    local venv
    if [ -n "${MLOPS_PORTFOLIO_MLFLOW:-}" ] && [ -x "$MLOPS_PORTFOLIO_MLFLOW" ]; then
        return 0
    fi
    if mkdir -p /var/cache/mlops-portfolio 2>/dev/null && [ -w /var/cache/mlops-portfolio ]; then
        venv=/var/cache/mlops-portfolio/mlflow-venv
    else
        venv="${XDG_CACHE_HOME:-$HOME/.cache}/mlops-portfolio/mlflow-venv"
    fi
    if [ ! -x "$venv/bin/mlflow" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --upgrade pip
        "$venv/bin/pip" install --quiet 'mlflow[auth]'
    fi
    export MLOPS_PORTFOLIO_MLFLOW="$venv/bin/mlflow"
}
