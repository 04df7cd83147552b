package analysis

import (
	"errors"
	"fmt"
	"math"

	"cxray/stream/measure"
	"cxray/stream/measure/mst"
	"cxray/stream/pipeline"
	"cxray/stream/plan"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// Spec is what a user asks of one measurement, as plain values.
type Spec struct {
	// Data names the dataset (source.Open), read with Source.
	Data   string
	Source source.Options
	// Transform preprocesses every sample before the model (resizing and
	// cropping images, padding, normalization), as the model was trained.
	Transform source.Transform
	// Model is the model to run, nil to measure the dataset itself.
	Model *Model
	// Layers chooses the layers: "all", or comma-separated names or
	// indices (tap.Select).
	Layers string
	// Batch is the batch size of the forward pass; 0 lets the plan choose
	// (plan.DefaultBatch, lowered when the forward pass would take too
	// much of the budget). BatchFixed makes the plan fail rather than
	// lower a batch size the user chose.
	Batch      int
	BatchFixed bool
	// Normalize rescales every feature before distances are taken.
	Normalize measure.Normalization
	// Measures lists the measures, N1 first (tap.ParseMeasures).
	Measures []string
	// Options are the conventions of the measures beyond the streamed N1;
	// Conventions names them in messages ("cxray", "ecol").
	Options     tap.Options
	Conventions string
	// Plan bounds the estimators' memory (Classes is filled in).
	Plan plan.Options
	// Every, if positive, also reads every layer each Every samples.
	Every int
	// UntilStable, if positive, stops once no layer's N1 moved by more
	// than it over two checkpoints; it needs Every.
	UntilStable float64
	// Epoch and TrainStep place the rows of a measurement taken during
	// training; TrainStep nil means step = samples seen.
	Epoch     int
	TrainStep *int64
	// Count, when positive, takes the Count samples of the dataset from
	// Offset on: a shard of a sharded run. The classes stay the whole
	// dataset's, so that every shard numbers them alike.
	Offset, Count int
}

// Job is a Spec checked against its data and model, ready to measure.
type Job struct {
	Source source.Source // closed by Close
	Model  *Model        // nil when measuring the dataset itself
	Input  string        // the tensor fed with the batch
	Shape  []int         // the per-sample shape fed to the model
	Layers []tap.Layer
	Plan   *plan.Plan
	// Total is the number of samples of the whole dataset, of which Source
	// yields the window Spec.Offset, Spec.Count (all when Count is 0).
	Total int
	spec  Spec
}

// Spec returns the spec the job was prepared from.
func (j *Job) Spec() Spec { return j.spec }

// WeightBytes is the memory of the model's weights, 0 without a model.
func (j *Job) WeightBytes() int64 {
	if j.Model == nil {
		return 0
	}
	return j.Model.WeightBytes()
}

// Close releases the dataset.
func (j *Job) Close() error { return j.Source.Close() }

// Prepare opens the dataset and checks it against the model, the layers,
// the measures and the memory budget, so that bad input fails before any
// run is recorded. The caller closes the Job.
func Prepare(s Spec) (*Job, error) {
	j, err := Open(s)
	if err != nil {
		return nil, err
	}
	if err := j.makePlan(); err != nil {
		j.Close()
		return nil, err
	}
	return j, nil
}

// Open is Prepare without the estimators' plan: it opens the dataset and
// checks it against the model and chooses the layers, for a caller that
// only runs the forward pass (an extract task of a sharded run). The
// caller closes the Job.
func Open(s Spec) (*Job, error) {
	if s.Batch < 0 || (s.BatchFixed && s.Batch == 0) {
		return nil, fmt.Errorf("--batch %d: the batch size must be at least 1", s.Batch)
	}
	if s.Every < 0 {
		return nil, fmt.Errorf("--every %d: give a number of samples, or 0 for the end only", s.Every)
	}
	if !(s.UntilStable >= 0) || math.IsInf(s.UntilStable, 0) || (s.UntilStable > 0 && s.Every == 0) {
		return nil, fmt.Errorf("--until-stable %g needs a positive finite tolerance and --every N", s.UntilStable)
	}
	opt := s.Source
	opt.Transform = s.Transform
	if s.Model != nil {
		// Image sources convert to the model's channels and check sizes.
		opt.Transform.Input = s.Model.Sample
	}
	src, err := source.Open(s.Data, opt)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			src.Close()
		}
	}()
	pre, err := source.Transformed(src, s.Transform)
	if err != nil {
		return nil, fmt.Errorf("--input-pad/--input-norm: %w", err)
	}
	src = pre // closing it closes the file
	total := src.Len()
	if s.Count > 0 {
		if src, err = source.Window(src, s.Offset, s.Count); err != nil {
			return nil, err
		}
	}
	j := &Job{Source: src, Total: total, spec: s}
	if src.Len() < 2 {
		return nil, fmt.Errorf("dataset %s has %d samples; N1 needs at least 2", src.Name(), src.Len())
	}
	if err := j.fitModel(); err != nil {
		return nil, err
	}
	ok = true
	return j, nil
}

// Forward is the memory of the forward pass over batches of the given
// size: the runtime's buffers and the batches in flight in the pipeline.
func (j *Job) Forward(batch int) int64 {
	tapped := 0
	for _, l := range j.Layers {
		tapped += l.Dim
	}
	b := pipeline.Bytes(batch, j.Source.Len(), j.Source.Dim(), tapped)
	if j.Model != nil {
		b += j.Model.ForwardBytes(batch)
	}
	return b
}

// fitModel checks that the dataset can be fed to the model and chooses
// the layers.
func (j *Job) fitModel() error {
	src, s := j.Source, j.spec
	all := []tap.Layer{tap.InputLayer("input", src.SampleShape())}
	j.Input, j.Shape = "input", src.SampleShape()
	if ls, ok := src.(source.Layered); ok {
		// Activations extracted beforehand: one layer per file, no model.
		if s.Model != nil {
			return fmt.Errorf("--data %s holds activations already extracted, one layer per file; it cannot be fed to --model: drop --model", src.Name())
		}
		all = nil
		for i, p := range ls.Parts() {
			all = append(all, tap.Layer{Index: i, Name: p.Name, NodeName: p.Path, OpType: "npy", Shape: p.Shape, Dim: p.Dim})
		}
	}
	if m := s.Model; m != nil {
		// Layer 0 is the model's input, sized by the sample shape it declares.
		if in := m.Layers[0]; in.Dim != src.Dim() {
			return fmt.Errorf("model %s: input %q takes %s = %d values per sample, but dataset %s has %d (shape %s); %s",
				m.Path, in.Name, in.ShapeString(), in.Dim, src.Name(), src.Dim(), shapeString(src.SampleShape()), inputAdvice(in.Shape, src.SampleShape()))
		}
		j.Model, j.Input, j.Shape, all = m, m.Graph.Input.Name, m.Sample, m.Layers
	}
	var err error
	j.Layers, err = tap.Select(all, s.Layers)
	return err
}

// makePlan sizes the estimators to the memory budget.
func (j *Job) makePlan() error {
	s := j.spec
	dims := make([]int, len(j.Layers))
	for i, l := range j.Layers {
		dims[i] = l.Dim
	}
	o := s.Plan
	o.Classes = len(j.Source.Classes())
	o.Batch, o.BatchFixed, o.Forward = s.Batch, s.BatchFixed, j.Forward
	var err error
	if j.Plan, err = plan.Make(dims, j.Source.Len(), o); err != nil {
		var fe *plan.ForwardError
		if errors.As(err, &fe) && j.Model != nil {
			return fmt.Errorf("model %s: %w", j.Model.Path, err)
		}
		return err
	}
	// A projection mixes features batch by batch, before the statistics of
	// a per-feature normalization over the whole stream are known.
	if j.Plan.K > 0 && s.Normalize != measure.NormNone {
		return fmt.Errorf("--normalize %s cannot be combined with projection, which --memory %s needs here; use --normalize none, --project -1 with more --memory, or fewer --layers",
			s.Normalize, plan.FormatBytes(o.Budget))
	}
	if !s.Options.NeighbourN1() {
		return nil
	}
	if j.Plan.Ties == mst.Total {
		return fmt.Errorf("--ties total applies to cxray's Euclidean trees; --distance %s (or --conventions %s) uses ECoL's neighbour structure and DCoL's rule: drop one of them", s.Options.Neighbour.Distance, s.Conventions)
	}
	if !j.Plan.Exact() || s.Every > 0 {
		return fmt.Errorf("--distance %s (or --conventions %s) measures N1 on the points an exact estimator holds: it cannot be combined with --every, sampling or projection; give more --memory, fewer --layers or a smaller --limit",
			s.Options.Neighbour.Distance, s.Conventions)
	}
	if need, left := tap.NeighbourBytes(j.Source.Len()), j.Plan.Left(); need > left {
		return fmt.Errorf("--distance %s: N1 on %d points needs the neighbour structure, up to %d MB, and --memory %s leaves %d MB; raise --memory or lower --limit",
			s.Options.Neighbour.Distance, j.Source.Len(), need>>20, plan.FormatBytes(o.Budget), left>>20)
	}
	return nil
}

// inputAdvice says what would make samples of shape data fit a model
// input of shape model: padding when the model takes the same images with
// a border, as LeNet-5 takes MNIST at 32×32.
func inputAdvice(model, data []int) string {
	if len(model) == 3 && len(data) == 3 && model[0] == data[0] {
		if dh, dw := model[1]-data[1], model[2]-data[2]; dh == dw && dh > 0 && dh%2 == 0 {
			return fmt.Sprintf("if the model was trained on these images padded to %d×%d, add --input-pad %d", model[1], model[2], dh/2)
		}
	}
	return "use a model built for this dataset"
}

func shapeString(s []int) string {
	return tap.Layer{Shape: s}.ShapeString()
}
