package tap

import (
	"fmt"

	"cxray/runtime"
	"cxray/stream/measure"
)

// Router feeds each chosen layer's activations to that layer's exact N1
// estimator. Its memory is the sum of the estimators' bounds: n·Dim
// float32 values per chosen layer, plus n labels each.
type Router struct {
	layers []Layer
	est    map[string]*measure.ExactN1
	labels []int32
}

// NewRouter makes one estimator per layer.
func NewRouter(layers []Layer, norm measure.Normalization) *Router {
	r := &Router{layers: layers, est: make(map[string]*measure.ExactN1, len(layers))}
	for _, l := range layers {
		r.est[l.Name] = measure.NewExactN1(l.Dim, norm)
	}
	return r
}

// SetLabels sets the labels of the batch whose activations follow.
func (r *Router) SetLabels(labels []int32) { r.labels = labels }

// Tap has the signature of runtime.Executor.Run's callback; outputs of
// layers that were not chosen are ignored.
func (r *Router) Tap(name string, t *runtime.Tensor) error {
	e, ok := r.est[name]
	if !ok {
		return nil
	}
	return r.update(name, e, t.Data)
}

// Input feeds the batch that enters the model, layer 0.
func (r *Router) Input(name string, x []float32) error {
	if e, ok := r.est[name]; ok {
		return r.update(name, e, x)
	}
	return nil
}

func (r *Router) update(name string, e *measure.ExactN1, x []float32) error {
	if want := len(r.labels) * e.Dim(); len(x) != want {
		return fmt.Errorf("layer %q: got %d values for a batch of %d samples, want %d", name, len(x), len(r.labels), want)
	}
	if err := e.Update(x, r.labels); err != nil {
		return fmt.Errorf("layer %q: %w", name, err)
	}
	return nil
}

// Layers returns the routed layers in graph order.
func (r *Router) Layers() []Layer { return r.layers }

// Estimator returns the estimator of the named layer.
func (r *Router) Estimator(name string) *measure.ExactN1 { return r.est[name] }
