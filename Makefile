# cxray — see README.md. `make run` and `make test` work on a fresh machine.
GO      ?= go
PYTHON  ?= /usr/bin/python3
DB      ?= cxray.duckdb
# OpenBLAS is used when Debian's libopenblas-dev is installed (scripts/install-deps.sh);
# otherwise gonum's pure-Go BLAS. Force with `make TAGS=` or `make TAGS=openblas`.
TAGS    ?= $(shell ls /usr/lib/*/libopenblas.so /usr/lib/libopenblas.so 2>/dev/null | head -1 | grep -q . && echo openblas)
GOFLAGS_BUILD = -tags '$(TAGS)'
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all build run test test-slurm bench fixtures deps vet clean

all: build

build: bin/cxray

bin/cxray: FORCE
	$(GO) build $(GOFLAGS_BUILD) -ldflags "-X cxray/cli.Version=$(VERSION)" -o bin/cxray ./cmd/cxray

FORCE:

# The main job: the bundled LeNet-5 (trained on MNIST by fixtures/train_lenet.py)
# on the first 2000 MNIST test images, then the per-layer N1 table via SQL.
run: build
	bin/cxray analyze --model fixtures/models/lenet5_mnist.onnx --data mnist --split test --limit 2000 \
		--db $(DB) --run lenet5-mnist-test2000 > /dev/null
	bin/cxray sql --db $(DB) "SELECT m.layer_index, m.layer_name, l.op_type, l.shape, round(m.value, 6) AS n1 \
		FROM metrics m JOIN layers l USING (run_id, layer_index) \
		WHERE m.run_id = (SELECT max(run_id) FROM runs) AND m.measure = 'N1' ORDER BY m.layer_index"

deps:
	scripts/install-deps.sh

vet:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && exit 1)
	$(GO) vet $(GOFLAGS_BUILD) ./...

# Every test. The concurrent packages also run under the race detector.
# The reference tests need numpy/scipy: installed here when possible (root
# with apt); otherwise those tests skip with a message.
test: vet
	-@scripts/install-deps.sh
	@if $(PYTHON) -c 'import numpy, scipy' 2>/dev/null; then \
		$(PYTHON) fixtures/reference/test_reference.py; \
	else echo "skipped fixtures/reference/test_reference.py: no numpy/scipy under $(PYTHON) (make deps)"; fi
	$(GO) test $(GOFLAGS_BUILD) -timeout 30m ./...
	$(GO) test $(GOFLAGS_BUILD) -race -short ./runtime/... ./stream/... ./sql
	GO='$(GO)' GOFLAGS_BUILD="$(GOFLAGS_BUILD)" scripts/test-slurm.sh

# The scale-out test alone, on a single-node Slurm it starts and stops
# (needs root; otherwise it says so and skips).
test-slurm:
	GO='$(GO)' GOFLAGS_BUILD="$(GOFLAGS_BUILD)" scripts/test-slurm.sh

# Go benchmarks, then cxray side by side with its peers (scripts/bench.py: N1 against
# the peer method, the forward pass and training against PyTorch, peak RSS at two dataset sizes).
bench: build
	$(GO) test $(GOFLAGS_BUILD) -run XXX -bench . -benchtime 3x ./stream/measure/mst/ ./runtime/...
	TAGS='$(TAGS)' $(PYTHON) scripts/bench.py

# Regenerates the models, data and references in fixtures/ (needs python3-torch, python3-onnx,
# python3-sklearn: scripts/install-deps.sh --fixtures).
fixtures:
	scripts/install-deps.sh --fixtures
	$(PYTHON) fixtures/make_iris.py
	$(PYTHON) fixtures/make_models.py
	$(PYTHON) fixtures/train_lenet.py
	$(PYTHON) fixtures/checkpoints/make_checkpoints.py
	$(PYTHON) fixtures/reference/make_references.py
	$(PYTHON) fixtures/make_datasets.py
	$(PYTHON) fixtures/reference/neighbour_reference.py
	$(PYTHON) fixtures/reference/repr_reference.py > fixtures/reference/repr_reference.json
	$(PYTHON) fixtures/reference/svm_reference.py > fixtures/reference/svm_reference.json
	$(PYTHON) fixtures/activations/make_activations.py
	$(PYTHON) fixtures/images/make_images.py

clean:
	rm -rf bin
