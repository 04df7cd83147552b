package analysis

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"cxray/importer"

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
	// Pool makes one point per sample of the token layers of a model over
	// token ids (tap.MarkTokens); PoolMean is the zero value.
	Pool tap.Pool
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
	// MaxPasses caps the passes over the data that measure groups of
	// layers when they do not fit the budget together (plan.Options);
	// checkpoints (Every) and CKA, which compares layers, need one.
	MaxPasses int
	// Epoch and TrainStep place the rows of a measurement taken during
	// training; TrainStep nil means step = samples seen.
	Epoch     int
	TrainStep *int64
	// Samples says whether to write each sample's part in N1, N2 and N3
	// on every layer measured exactly or by a reservoir, and the cross
	// edges of every pair of classes, at the end (sql.Run.AddSamples).
	Samples SamplesMode
	// LabelNoise, if positive, flips that fraction of the labels to
	// another class, drawn with Plan.Seed (source.WithLabelNoise), and the
	// per-sample rows record which.
	LabelNoise float64
	// Count, when positive, takes the Count samples of the dataset from
	// Offset on: a shard of a sharded run. The classes stay the whole
	// dataset's, so that every shard numbers them alike.
	Offset, Count int
}

// Job is a Spec checked against its data and model, ready to measure.
type Job struct {
	Source source.Source // closed by Close
	Model  *Model        // nil when measuring the dataset itself
	Input  string        // the tensor fed with the batch, when Inputs is empty
	Shape  []int         // the per-sample shape fed to the model, when Inputs is empty
	// Inputs are the model's data inputs, each fed its part of a sample
	// of a source.Layered; Mask names the one with the attention mask.
	Inputs []pipeline.Input
	Mask   string
	Layers []tap.Layer
	Plan   *plan.Plan
	// HeapOther, when positive, makes Measure limit the Go heap to each
	// pass's plan plus these bytes (LimitHeap): the model's weights and
	// the runtime's own.
	HeapOther int64
	// Total is the number of samples of the whole dataset, of which Source
	// yields the window Spec.Offset, Spec.Count (all when Count is 0).
	Total int
	// Samples says whether the per-sample rows are written (Spec.Samples,
	// resolved).
	Samples bool
	spec    Spec
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
	if s.Plan.Ties == mst.Total {
		// The neighbour measures' ties too are decided by the total
		// order: exact distances, then the lower index (as a sharded run).
		s.Options.Neighbour.TieRTol, s.Options.Neighbour.TotalOrder = 0, true
	}
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
	if m := s.Model; m != nil && !s.Transform.IsZero() && (len(m.Inputs) > 1 || m.Inputs[0].Type.IsInt()) {
		return nil, fmt.Errorf("--resize, --center-crop, --input-pad and --input-norm preprocess images and features; model %s takes %s", m.Path, describeInputs(m.Inputs))
	}
	src, total, err := openSource(s)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			src.Close()
		}
	}()
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

// openSource opens the dataset of s, preprocessed and windowed as s says,
// and returns it with the number of samples of the whole dataset.
func openSource(s Spec) (source.Source, int, error) {
	opt := s.Source
	opt.Transform = s.Transform
	if m := s.Model; m != nil {
		// Image sources convert to the model's channels and check sizes.
		opt.Transform.Input = m.Sample
	}
	src, err := source.Open(s.Data, opt)
	if err != nil {
		return nil, 0, err
	}
	pre, err := source.Transformed(src, s.Transform)
	if err != nil {
		src.Close()
		return nil, 0, fmt.Errorf("--input-pad/--input-norm: %w", err)
	}
	src = pre // closing it closes the file
	if s.LabelNoise != 0 {
		noisy, err := source.WithLabelNoise(src, s.LabelNoise, s.Plan.Seed)
		if err != nil {
			src.Close()
			return nil, 0, err
		}
		src = noisy
	}
	total := src.Len()
	if s.Count > 0 {
		w, err := source.Window(src, s.Offset, s.Count)
		if err != nil {
			src.Close()
			return nil, 0, err
		}
		src = w
	}
	return src, total, nil
}

// reopen opens the dataset again from its start, for another pass over
// it; it must yield the same samples as before.
func (j *Job) reopen() error {
	src, _, err := openSource(j.spec)
	if err != nil {
		return fmt.Errorf("reopening the dataset for the next pass: %w", err)
	}
	if src.Len() != j.Source.Len() || src.Dim() != j.Source.Dim() {
		src.Close()
		return fmt.Errorf("reopening the dataset for the next pass: %s now has %d samples of %d values, not %d of %d; it changed while being read", src.Name(), src.Len(), src.Dim(), j.Source.Len(), j.Source.Dim())
	}
	j.Source.Close()
	j.Source = src
	return nil
}

// Forward is the memory of the forward pass over batches of the given
// size: the runtime's buffers and the batches in flight in the pipeline.
func (j *Job) Forward(batch int) int64 {
	all := make([]int, len(j.Layers))
	for i := range all {
		all[i] = i
	}
	return j.ForwardOf(batch, all)
}

// ForwardOf is Forward for a pass that taps only some of the layers
// (indices into Layers).
func (j *Job) ForwardOf(batch int, layers []int) int64 {
	tapped := 0
	for _, i := range layers {
		tapped += j.Layers[i].Dim
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
	ls, layered := src.(source.Layered)
	if s.Model == nil {
		if layered {
			// Activations extracted beforehand: one layer per file, no model.
			all = nil
			for i, p := range ls.Parts() {
				all = append(all, tap.Layer{Index: i, Name: p.Name, NodeName: p.Path, OpType: "npy", Shape: p.Shape, Dim: p.Dim})
			}
		}
		var err error
		j.Layers, err = tap.Select(all, s.Layers)
		return err
	}
	m := s.Model
	var err error
	if layered {
		err = j.feedParts(ls)
	} else {
		err = j.feedWhole()
	}
	if err != nil {
		return err
	}
	all = slices.Clone(m.Layers)
	if tokens := m.Tokens(); tokens > 0 {
		tap.MarkTokens(all, tokens, s.Pool)
		j.Mask = m.Mask()
	}
	j.Model, j.Input, j.Shape = m, m.Inputs[0].Name, m.Sample
	j.Layers, err = tap.Select(all, s.Layers)
	return err
}

// feedWhole feeds every sample, whole, to the model's one input, and
// fixes the input's symbolic axes from the data.
func (j *Job) feedWhole() error {
	src, m := j.Source, j.spec.Model
	if len(m.Inputs) > 1 {
		return fmt.Errorf("model %s takes %s; --data %s gives one array per sample: give one per input, named after it (npy:%s.npy+...,labels.npy, or a folder acts:DIR of NAME.npy files, or Parquet list columns --features %s)",
			m.Path, describeInputs(m.Inputs), src.Name(), m.Inputs[0].Name, inputNames(m.Inputs))
	}
	in := m.Inputs[0]
	if in.Type.IsInt() && !integral(src) {
		return notIntegers(m, in, src.Name())
	}
	if m.Samples == nil {
		if err := m.Fit([][]int{src.SampleShape()}); err != nil {
			return fmt.Errorf("%w (the shape of a sample of %s)", err, src.Name())
		}
	}
	if l := m.Layers[0]; l.Dim != src.Dim() {
		return fmt.Errorf("model %s: input %q takes %s = %d values per sample, but dataset %s has %d (shape %s); %s",
			m.Path, in.Name, l.ShapeString(), l.Dim, src.Name(), src.Dim(), shapeString(src.SampleShape()), inputAdvice(l.Shape, src.SampleShape()))
	}
	if in.Type.IsInt() {
		j.Inputs = []pipeline.Input{{Name: in.Name, Shape: m.Samples[0], Int: true}}
	}
	return nil
}

// feedParts feeds each part of a layered source (a file or a Parquet list
// column per input) to the model input of its name, and fixes the
// inputs' symbolic axes from the data.
func (j *Job) feedParts(ls source.Layered) error {
	m := j.spec.Model
	byName := map[string]source.Part{}
	var names []string
	for _, p := range ls.Parts() {
		byName[p.Name] = p
		names = append(names, p.Name)
	}
	if !slices.ContainsFunc(m.Inputs, func(in importer.ValueInfo) bool { _, ok := byName[in.Name]; return ok }) {
		return fmt.Errorf("--data %s holds activations already extracted, one layer per file (%s), and no data for the inputs of model %s (%s); drop --model to measure the activations, or name each file after the input it feeds",
			ls.Name(), strings.Join(names, ", "), m.Path, inputNames(m.Inputs))
	}
	samples := make([][]int, len(m.Inputs))
	for i, in := range m.Inputs {
		p, ok := byName[in.Name]
		if !ok {
			return fmt.Errorf("model %s takes %s; --data %s has no data for %q (it holds %s): name each file or column after the input it feeds",
				m.Path, describeInputs(m.Inputs), ls.Name(), in.Name, strings.Join(names, ", "))
		}
		delete(byName, in.Name)
		if in.Type.IsInt() && !p.Int {
			return notIntegers(m, in, ls.Name()+" ("+p.Path+")")
		}
		samples[i] = p.Shape
		j.Inputs = append(j.Inputs, pipeline.Input{Name: in.Name, Shape: p.Shape, Off: p.Off, Int: in.Type.IsInt()})
	}
	for _, name := range names {
		if _, left := byName[name]; left {
			return fmt.Errorf("--data %s holds %q, which is no input of model %s (it takes %s); leave it out or rename it", ls.Name(), name, m.Path, describeInputs(m.Inputs))
		}
	}
	if m.Samples == nil {
		if err := m.Fit(samples); err != nil {
			return fmt.Errorf("%w (the shapes of --data %s)", err, ls.Name())
		}
	}
	for i, in := range j.Inputs {
		if d := tap.InputLayer("", m.Samples[i]).Dim; d != in.Dim() || len(m.Samples[i]) != len(in.Shape) {
			return fmt.Errorf("model %s: input %q takes samples of shape %s, but --data %s gives %s", m.Path, in.Name, shapeString(m.Samples[i]), ls.Name(), shapeString(in.Shape))
		}
		j.Inputs[i].Shape = m.Samples[i]
	}
	for _, p := range ls.Parts() {
		if p.Padded && m.Mask() == "" {
			return fmt.Errorf("--data %s: %q holds sequences of different lengths, padded with 0 to %d; model %s has no attention-mask input to tell the padding from tokens: give sequences of one length, or a model that takes an attention_mask",
				ls.Name(), p.Name, p.Shape[0], m.Path)
		}
	}
	return nil
}

// integral reports a source whose samples are stored as integers.
func integral(src source.Source) bool {
	i, ok := src.(source.Integral)
	return ok && i.Integers()
}

func notIntegers(m *Model, in importer.ValueInfo, data string) error {
	return fmt.Errorf("model %s: input %q is declared %s (token ids, a mask), but --data %s holds floats; give integers: an NPY file of an integer dtype (X.astype(np.int64)) or Parquet lists of integers",
		m.Path, in.Name, in.Type, data)
}

func describeInputs(ins []importer.ValueInfo) string {
	s := make([]string, len(ins))
	for i, in := range ins {
		s[i] = fmt.Sprintf("%s (%s [%s])", in.Name, in.Type, dimList(in.Dims))
	}
	if len(s) == 1 {
		return "one input, " + s[0]
	}
	return fmt.Sprintf("%d inputs, %s", len(s), strings.Join(s, ", "))
}

func inputNames(ins []importer.ValueInfo) string {
	s := make([]string, len(ins))
	for i, in := range ins {
		s[i] = in.Name
	}
	return strings.Join(s, ",")
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
	o.Batch, o.BatchFixed, o.Forward, o.ForwardOf = s.Batch, s.BatchFixed, j.Forward, j.ForwardOf
	o.MaxPasses = s.MaxPasses
	if s.Every > 0 || slices.ContainsFunc(s.Measures, func(m string) bool { return strings.HasPrefix(m, "CKA") }) {
		o.MaxPasses = 1
	}
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
	if err := j.resolveSamples(); err != nil {
		return err
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
