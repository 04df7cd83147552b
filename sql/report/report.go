// Package report writes an HTML report of a cxray database file: the runs
// it holds, and charts and tables of N1 through the layers of every run,
// through training, across architectures and across training-set sizes,
// following the four experiments of Ho, "Complexity of Representations in
// Deep Learning" (ICPR 2022).
//
// The report is a directory: index.html, plain HTML with its CSS inline,
// and for every chart a PNG, shown on the page, and an SVG, linked from
// it, all referenced by relative names; it needs no network to be viewed.
// The charts are drawn with gonum.org/v1/plot.
//
// The report reads the tables runs, layers, metrics and (from schema
// version 4) training, not the views, so it works on files of every schema
// version, opened read-only without migrating them. A chart is drawn only
// when the file holds data for it:
//
//   - experiment 'layers' and 'design': N1 against the layer, one line per
//     run (architecture), at the run's last epoch; beside it the final
//     test accuracy of each;
//   - experiment 'training', and any run outside the experiments that
//     has N1 at more than one epoch: for each run, N1 against the layer
//     with one line per epoch, and N1 against the epoch with one line per
//     layer; beside them the accuracies against the epoch;
//   - experiment 'samples': for each architecture, N1 against the layer
//     with one line per training-set size; beside it the final test
//     accuracy against the size;
//   - other experiments, and analyze runs (no experiment, one epoch): N1
//     against the layer, one line per run, and for analyze runs a table of
//     every measure at the final step (as the view layer_summary);
//   - runs with per-sample rows (schema version 5, cxray analyze
//     --samples), at their last epoch that has them: a heat map of the
//     class pairs' entanglement per layer (small multiples on one colour
//     scale), the fraction of each class off the boundary from each layer
//     on (view separation_depth), and the hardest samples (view
//     hardest_samples) with, for MNIST and image folders, a gallery of
//     their images: thumbnails written beside the page from the dataset,
//     where the report is written (nothing is fetched when it is viewed).
//
// Every chart has its data as HTML tables under it. Only complete runs
// are plotted unless Options.All is set; the runs table at the top lists
// every run and marks those that are not complete.
package report

import (
	"context"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"cxray/internal/outdir"
	cxsql "cxray/sql"
)

// Options adjust a report. The zero value is the default.
type Options struct {
	// All plots runs of every status; by default only complete runs are
	// plotted, as failed and interrupted runs stop part way.
	All bool
	// Title is the page's heading; by default "cxray report: " and the
	// database file's name.
	Title string
}

// WriteFile writes the report of the cxray database file at dbPath into
// outDir. It opens the file read-only (sql.OpenReadOnly): the file is
// not changed, and may be of any schema version up to sql.SchemaVersion.
// It reads what it needs first and closes the file before it draws, so a
// run writing the file waits for it as briefly as possible.
func WriteFile(ctx context.Context, dbPath, outDir string, opt Options) error {
	s, err := cxsql.OpenReadOnly(dbPath)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	c, err := read(ctx, s, opt.All)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = c.write(ctx, outDir, opt)
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Write writes the report of the runs in s into outDir, creating the
// directory if needed and replacing the files of an earlier report there.
// s may be a Store from sql.Open or sql.OpenReadOnly.
//
// Files are written into a staging directory inside outDir and moved into
// place (package cxray/internal/outdir), so the report never writes
// through a symbolic link or outside outDir: an outDir that is a link, or
// a link or directory in it under the name of a report file, is refused.
func Write(ctx context.Context, s *cxsql.Store, outDir string, opt Options) error {
	c, err := read(ctx, s, opt.All)
	if err == nil {
		err = c.write(ctx, outDir, opt)
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// contents is what a report shows of a file.
type contents struct {
	path    string
	version int
	d       *data
}

func read(ctx context.Context, s *cxsql.Store, all bool) (*contents, error) {
	version, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	d, err := load(ctx, s.DB(), version, all)
	if err != nil {
		return nil, err
	}
	return &contents{path: s.Path(), version: version, d: d}, nil
}

func (c *contents) write(ctx context.Context, outDir string, opt Options) error {
	out, err := outdir.Create(outDir)
	if err != nil {
		return err
	}
	defer out.Close()
	p := &page{
		Title:     opt.Title,
		File:      c.path,
		Version:   c.version,
		Generated: time.Now().UTC().Format("2006-01-02 15:04:05 UTC"),
		All:       opt.All,
	}
	if p.Title == "" {
		p.Title = "cxray report: " + filepath.Base(c.path)
	}
	b := &builder{dir: out.Stage(), d: c.d}
	p.Runs = runsTable(c.d, opt.All)
	for _, r := range c.d.runs {
		if !r.plotted {
			p.Skipped++
		}
	}
	p.Sections, err = b.sections(ctx)
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(out.Stage(), index))
	if err != nil {
		return err
	}
	if err := pageTemplate.Execute(f, p); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", index, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	// The page last, so that it never names a chart not yet in place.
	entries, err := os.ReadDir(out.Stage())
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Name() != index {
			names = append(names, e.Name())
		}
	}
	return out.Publish(append(names, index)...)
}

// index is the report's page.
const index = "index.html"

// page is what index.html shows.
type page struct {
	Title, File, Generated string
	Version                int
	All                    bool
	Skipped                int
	Runs                   table
	Sections               []section
}

type section struct {
	ID, Title string
	Intro     string
	Blocks    []block
}

// block is one figure: its charts, what goes beside them, and its data.
type block struct {
	Title   string
	Charts  []image
	Caption string
	Side    []image
	SideTab *table
	Tables  []table
	Gallery []thumb
}

type table struct {
	Caption string
	Head    []string
	Rows    [][]cell
	Note    string
}

type cell struct {
	Text, Title, Class string
}

func runsTable(d *data, all bool) table {
	t := table{
		Caption: "Runs in the file",
		Head: []string{"id", "name", "status", "experiment", "arch", "train_size", "dataset",
			"samples", "started (UTC)", "epochs with N1", "plotted"},
	}
	for _, r := range d.runs {
		status := cell{Text: r.Status}
		plotted := cell{Text: "yes"}
		switch {
		case !r.plotted:
			status.Class = "bad"
			status.Text = "⚠ " + r.Status
			plotted = cell{Text: "no: not complete", Class: "bad"}
		case r.Status != "complete":
			status.Class = "bad"
			status.Text = "⚠ " + r.Status
		}
		if r.plotted && len(r.n1) == 0 {
			plotted = cell{Text: "no: no N1 rows", Class: "muted"}
		}
		status.Title = r.Error
		ds := r.Dataset
		if r.Split != "" {
			ds += " (" + r.Split + ")"
		}
		t.Rows = append(t.Rows, []cell{
			{Text: fmt.Sprint(r.ID), Class: "num"}, {Text: r.Name}, status, {Text: r.Experiment},
			{Text: r.Arch}, intCell(r.TrainSize), {Text: ds}, intCell(r.NSamples),
			{Text: r.Started.UTC().Format("2006-01-02 15:04:05")}, {Text: fmt.Sprint(len(r.epochs)), Class: "num"},
			plotted,
		})
	}
	return t
}

func intCell(v int64) cell {
	if v == 0 {
		return cell{Text: "–", Class: "num muted"}
	}
	return cell{Text: fmt.Sprint(v), Class: "num"}
}

func fracCell(v float64) cell {
	if v != v { // NaN
		return cell{Text: "–", Class: "num muted"}
	}
	return cell{Text: fmt.Sprintf("%.4f", v), Class: "num"}
}

func n1Cell(p n1Point) cell {
	c := cell{Text: fmt.Sprintf("%.4f", p.N1), Class: "num", Title: fmt.Sprintf("layer %d: %s", p.Layer, p.Name)}
	if p.Method != "" {
		c.Title += " (" + p.Method + ")"
	}
	if p.Method != "" && p.Method != "exact" {
		c.Text += "*"
	}
	return c
}

const estimatedNote = "* estimated value (method sampled or projected; see the metrics table's params)."

// builder renders the charts of the sections.
type builder struct {
	dir string
	d   *data
	n   int // figures written
}

func (b *builder) name(slug string) string {
	b.n++
	var sb strings.Builder
	for _, r := range strings.ToLower(slug) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			sb.WriteRune(r)
		default:
			sb.WriteByte('-')
		}
	}
	return fmt.Sprintf("fig%02d-%s", b.n, strings.Trim(sb.String(), "-"))
}

// known are the experiments of the study, in the order of the paper.
var known = []struct{ name, title, intro string }{
	{"layers", "(a) N1 through the layers of trained networks",
		"N1 of every layer of each trained network at its last epoch: how the classes separate from input to output."},
	{"training", "(b) N1 through training",
		"N1 of every layer at the end of each epoch; epoch 0 is the network at initialization, before any training step."},
	{"design", "(c) Network design",
		"N1 through the layers of networks of different depth and width, each trained the same way, at the last epoch."},
	{"samples", "(d) Training-set size",
		"N1 through the layers of one architecture trained on training sets of different sizes, at the last epoch."},
}

func (b *builder) sections(ctx context.Context) ([]section, error) {
	groups := map[string][]*run{}
	var analyze, multiEpoch []*run
	var others []string
	for _, r := range b.d.runs {
		if !r.plotted || len(r.n1) == 0 {
			continue
		}
		switch r.Experiment {
		case "layers", "design", "samples", "training":
		case "":
			if len(r.epochs) > 1 {
				multiEpoch = append(multiEpoch, r)
			} else {
				analyze = append(analyze, r)
			}
			continue
		default:
			if groups[r.Experiment] == nil {
				others = append(others, r.Experiment)
			}
		}
		groups[r.Experiment] = append(groups[r.Experiment], r)
	}
	var out []section
	for _, k := range known {
		runs := groups[k.name]
		if k.name == "training" {
			runs = append(runs, multiEpoch...)
		}
		if len(runs) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sec := section{ID: k.name, Title: "Experiment " + k.title, Intro: k.intro}
		var err error
		switch k.name {
		case "layers", "design":
			var blk block
			blk, err = b.archBlock(k.name, runs)
			sec.Blocks = append(sec.Blocks, blk)
		case "training":
			if len(multiEpoch) > 0 {
				sec.Intro += " Runs outside the experiments that hold N1 at several epochs are shown here too."
			}
			for _, r := range runs {
				var blk block
				if blk, err = b.trainingBlock(r); err != nil {
					break
				}
				sec.Blocks = append(sec.Blocks, blk)
			}
		case "samples":
			sec.Blocks, err = b.samplesBlocks(runs)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	for _, e := range others {
		blk, err := b.runsBlock("experiment "+e, groups[e], false)
		if err != nil {
			return nil, err
		}
		out = append(out, section{ID: "exp-" + e, Title: "Experiment " + e,
			Intro: "N1 through the layers of each run of this experiment at its last epoch.", Blocks: []block{blk}})
	}
	if len(analyze) > 0 {
		blk, err := b.runsBlock("analyze runs", analyze, true)
		if err != nil {
			return nil, err
		}
		out = append(out, section{ID: "analyze", Title: "Analyze runs",
			Intro:  "Runs of networks analyzed as they are (no experiment): N1 through the layers at each run's final step, and every measure written.",
			Blocks: []block{blk}})
	}
	var withSamples []*run
	for _, r := range b.d.runs {
		if r.plotted && r.samples != nil && len(r.samples.layers) > 0 {
			withSamples = append(withSamples, r)
		}
	}
	if len(withSamples) > 0 {
		sec, err := b.samplesSection(withSamples)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	return out, nil
}

// uniqueLabels returns the runs' legend labels, with the run id added to
// those that would repeat.
func uniqueLabels(runs []*run, label func(*run) string) []string {
	count := map[string]int{}
	for _, r := range runs {
		count[label(r)]++
	}
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = label(r)
		if count[out[i]] > 1 {
			out[i] += fmt.Sprintf(" (run %d)", r.ID)
		}
	}
	return out
}

// archBlock: N1 against the layer, one line per run, with the final
// test accuracies beside.
func (b *builder) archBlock(exp string, runs []*run) (block, error) {
	labels := uniqueLabels(runs, (*run).label)
	lists := make([][]n1Point, len(runs))
	for i, r := range runs {
		lists[i] = r.finalN1()
	}
	title := "N1 through the layers, by architecture"
	if exp == "layers" {
		title = "N1 through the layers of the trained networks"
	}
	blk, err := b.layerChart(title, exp, labels, lists, "architecture", false)
	if err != nil {
		return blk, err
	}
	blk.Caption += " One line per run, at its last epoch."
	err = b.accuracyBars(&blk, exp, runs, labels)
	return blk, err
}

// accuracyBars adds the final test accuracy of runs beside blk, as a bar
// chart when there is one, and a table.
func (b *builder) accuracyBars(blk *block, slug string, runs []*run, labels []string) error {
	t := &table{Caption: "Final accuracy and N1",
		Head: []string{"run", "train_size", "last epoch", "test_acc", "train loss", "N1 first layer", "N1 last layer"}}
	var names []string
	var vals []float64
	for i, r := range runs {
		f := r.finalN1()
		last := -1
		if len(r.epochs) > 0 {
			last = r.epochs[len(r.epochs)-1]
		}
		t.Rows = append(t.Rows, []cell{{Text: labels[i]}, intCell(r.TrainSize), {Text: fmt.Sprint(last), Class: "num"},
			fracCell(r.finalTestAcc), lossCell(r.finalTrainL), n1Cell(f[0]), n1Cell(f[len(f)-1])})
		if r.finalTestAcc == r.finalTestAcc {
			names = append(names, labels[i])
			vals = append(vals, r.finalTestAcc)
		}
	}
	blk.SideTab = t
	if len(vals) == 0 {
		t.Note = "The file holds no test accuracy for these runs."
		return nil
	}
	bc := &barChart{title: "Final test accuracy", xLabel: "run (architecture)",
		yLabel: "test accuracy (fraction correct)", names: names, values: vals,
		width: 4.2 * vg.Inch, height: 2 * vg.Inch}
	img, err := bc.render(b.dir, b.name(slug+"-accuracy"))
	if err != nil {
		return err
	}
	blk.Side = append(blk.Side, img)
	return nil
}

func lossCell(v float64) cell {
	if v != v {
		return cell{Text: "–", Class: "num muted"}
	}
	return cell{Text: fmt.Sprintf("%.4g", v), Class: "num"}
}

// runsBlock: N1 against the layer, one line per run; with measures, a
// table of every measure at the final step too.
func (b *builder) runsBlock(slug string, runs []*run, measures bool) (block, error) {
	labels := uniqueLabels(runs, func(r *run) string {
		if r.Name != "" {
			return fmt.Sprintf("%d: %s", r.ID, r.Name)
		}
		return fmt.Sprintf("run %d", r.ID)
	})
	lists := make([][]n1Point, len(runs))
	for i, r := range runs {
		lists[i] = r.finalN1()
	}
	blk, err := b.layerChart("N1 through the layers, by run", slug, labels, lists, "run", false)
	if err != nil {
		return blk, err
	}
	blk.Caption += " One line per run, at its final step."
	if measures {
		blk.Tables = append(blk.Tables, b.measuresTable(runs))
	}
	return blk, nil
}

// measuresTable is the view layer_summary of runs: every measure of
// every layer at its final step.
func (b *builder) measuresTable(runs []*run) table {
	t := table{Caption: "Every measure at the final step (as the view layer_summary)",
		Head: append([]string{"run", "layer", "name", "op", "dim", "N1"}, b.d.measures...)}
	for _, r := range runs {
		var idx []int
		for i := range r.measures {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for _, i := range idx {
			m := r.measures[i]
			l := r.layers[i]
			row := []cell{{Text: fmt.Sprint(r.ID), Class: "num"}, {Text: fmt.Sprint(i), Class: "num"},
				{Text: l.Name}, {Text: l.OpType}, intCell(l.Dim)}
			for _, name := range append([]string{"N1"}, b.d.measures...) {
				v, ok := m[name]
				if !ok {
					row = append(row, cell{Text: "–", Class: "num muted"})
					continue
				}
				row = append(row, cell{Text: fmt.Sprintf("%.4g", v), Class: "num"})
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// trainingBlock: one trained run through its epochs.
func (b *builder) trainingBlock(r *run) (block, error) {
	blk := block{Title: r.title()}
	if r.TrainSize > 0 {
		blk.Title += fmt.Sprintf(", %d training samples", r.TrainSize)
	}
	shown := r.epochs
	if len(shown) > 10 {
		shown = spread(r.epochs, 9)
	}
	labels := make([]string, len(shown))
	lists := make([][]n1Point, len(shown))
	for i, e := range shown {
		labels[i] = fmt.Sprintf("epoch %d", e)
		if e == 0 {
			labels[i] += " (init)"
		}
		lists[i] = r.n1At(e)
	}
	slug := fmt.Sprintf("run%d", r.ID)
	a, err := b.layerChart("N1 through the layers, by epoch: "+r.label(), slug+"-by-epoch", labels, lists, "epoch", true)
	if err != nil {
		return blk, err
	}
	blk.Charts = a.Charts
	blk.Caption = a.Caption + " One line per epoch, at the epoch's final step"
	if len(shown) < len(r.epochs) {
		blk.Caption += fmt.Sprintf(" (%d of the %d epochs, evenly spread; the table has all)", len(shown), len(r.epochs))
	}
	blk.Caption += "."

	// N1 against the epoch, one line per layer, at every reading: those
	// within an epoch (--measure-every) at the fraction of it they were
	// taken at.
	ends := map[int]int64{}
	for _, t := range r.epochTraining() {
		ends[t.Epoch] = t.Step
	}
	names := map[int]n1Point{}
	for _, p := range r.n1 {
		names[p.Layer] = p
	}
	byLayer := map[int]*series{}
	var order []int
	within := false
	for _, p := range r.history {
		s := byLayer[p.Layer]
		if s == nil {
			named, ok := names[p.Layer]
			if !ok {
				named = n1Point{Layer: p.Layer, Name: r.layers[p.Layer].Name}
			}
			s = &series{label: layerLabel(named)}
			byLayer[p.Layer] = s
			order = append(order, p.Layer)
		}
		x := epochPosition(p.Epoch, p.Step, ends)
		within = within || x != float64(p.Epoch)
		s.xs = append(s.xs, x)
		s.ys = append(s.ys, p.N1)
	}
	sort.Ints(order)
	xLabel := "epoch (0 = at initialization)"
	if within {
		xLabel = "epoch (0 = at initialization; readings within an epoch at the fraction of its steps)"
	}
	c := &chart{title: "N1 through training, by layer: " + r.label(), xLabel: xLabel,
		yLabel: "N1 (fraction of points)", legendTitle: "layer (index: name)",
		width: 7.5 * vg.Inch, height: 4.2 * vg.Inch}
	for _, l := range order {
		c.series = append(c.series, *byLayer[l])
	}
	c.yMin, c.yMax = n1Range(c.series)
	img, err := c.renderInt(b.dir, b.name(slug+"-by-layer"))
	if err != nil {
		return blk, err
	}
	blk.Charts = append(blk.Charts, img)

	// The data: N1 per layer and epoch.
	t := table{Caption: "N1 (fraction of points) per layer (rows) and epoch (columns), at each epoch's final step",
		Head: []string{"layer", "name", "op", "dim"}}
	for _, e := range r.epochs {
		t.Head = append(t.Head, fmt.Sprintf("epoch %d", e))
	}
	at := map[[2]int]n1Point{}
	for _, p := range r.n1 {
		at[[2]int{p.Layer, p.Epoch}] = p
	}
	for _, l := range order {
		ly := r.layers[l]
		name := ly.Name
		for _, p := range r.n1 {
			if p.Layer == l && p.Name != "" {
				name = p.Name
				break
			}
		}
		row := []cell{{Text: fmt.Sprint(l), Class: "num"}, {Text: name}, {Text: ly.OpType}, intCell(ly.Dim)}
		for _, e := range r.epochs {
			if p, ok := at[[2]int{l, e}]; ok {
				row = append(row, n1Cell(p))
			} else {
				row = append(row, cell{Text: "–", Class: "num muted"})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	if r.estimated {
		t.Note = estimatedNote
	}
	blk.Tables = append(blk.Tables, t)

	// Beside: the accuracies against the epoch.
	ep := r.epochTraining()
	if len(ep) == 0 {
		blk.SideTab = &table{Caption: "Accuracy", Note: "The file holds no training rows for this run."}
		return blk, nil
	}
	st := &table{Caption: "Training, at the end of each epoch",
		Head: []string{"epoch", "step", "train loss", "train_acc", "test_acc", "seconds"}}
	acc := &chart{title: "Accuracy through training", xLabel: "epoch (0 = at initialization)",
		yLabel: "accuracy (fraction correct)", yMin: 0, yMax: 1.02,
		width: 4.4 * vg.Inch, height: 3.2 * vg.Inch}
	train, test := series{label: "train_acc"}, series{label: "test_acc"}
	for _, t := range ep {
		st.Rows = append(st.Rows, []cell{{Text: fmt.Sprint(t.Epoch), Class: "num"}, {Text: fmt.Sprint(t.Step), Class: "num"},
			lossCell(t.TrainLoss), fracCell(t.TrainAcc), fracCell(t.TestAcc), secondsCell(t.Second)})
		if t.TrainAcc == t.TrainAcc {
			train.xs, train.ys = append(train.xs, float64(t.Epoch)), append(train.ys, t.TrainAcc)
		}
		if t.TestAcc == t.TestAcc {
			test.xs, test.ys = append(test.xs, float64(t.Epoch)), append(test.ys, t.TestAcc)
		}
	}
	for _, s := range []series{train, test} {
		if len(s.xs) > 0 {
			acc.series = append(acc.series, s)
		}
	}
	blk.SideTab = st
	if len(acc.series) > 0 {
		img, err := acc.renderInt(b.dir, b.name(slug+"-accuracy"))
		if err != nil {
			return blk, err
		}
		blk.Side = append(blk.Side, img)
	}
	return blk, nil
}

func secondsCell(v float64) cell {
	if v != v {
		return cell{Text: "–", Class: "num muted"}
	}
	return cell{Text: fmt.Sprintf("%.1f", v), Class: "num"}
}

// renderInt renders a chart whose x axis counts epochs.
func (c *chart) renderInt(dir, name string) (image, error) {
	c.intX = true
	return c.render(dir, name)
}

// spread picks n of xs, evenly spread, first and last included.
func spread(xs []int, n int) []int {
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		k := i * (len(xs) - 1) / (n - 1)
		if len(out) == 0 || out[len(out)-1] != xs[k] {
			out = append(out, xs[k])
		}
	}
	return out
}

// samplesBlocks: one figure per architecture, one line per
// training-set size.
func (b *builder) samplesBlocks(runs []*run) ([]block, error) {
	var archs []string
	byArch := map[string][]*run{}
	for _, r := range runs {
		if byArch[r.Arch] == nil {
			archs = append(archs, r.Arch)
		}
		byArch[r.Arch] = append(byArch[r.Arch], r)
	}
	var out []block
	for _, a := range archs {
		rs := byArch[a]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].TrainSize < rs[j].TrainSize })
		labels := uniqueLabels(rs, func(r *run) string {
			if r.TrainSize > 0 {
				return fmt.Sprintf("n = %d", r.TrainSize)
			}
			return r.label()
		})
		lists := make([][]n1Point, len(rs))
		for i, r := range rs {
			lists[i] = r.finalN1()
		}
		archName := a
		if archName == "" {
			archName = "unnamed architecture"
		}
		blk, err := b.layerChart("N1 through the layers, by training-set size: "+archName, "samples-"+archName,
			labels, lists, "training-set size", true)
		if err != nil {
			return nil, err
		}
		blk.Title = archName
		blk.Caption += " One line per training-set size, at the run's last epoch."

		st := &table{Caption: "Final accuracy and N1 by training-set size",
			Head: []string{"train_size", "run", "test_acc", "train loss", "N1 first layer", "N1 last layer"}}
		acc := &chart{title: "Final test accuracy: " + archName, xLabel: "training-set size (samples, log scale)",
			yLabel: "test accuracy (fraction correct)", yMin: 0, yMax: 1.02, xLog: true,
			width: 4.4 * vg.Inch, height: 3.2 * vg.Inch}
		s := series{label: archName}
		for _, r := range rs {
			f := r.finalN1()
			st.Rows = append(st.Rows, []cell{intCell(r.TrainSize), {Text: fmt.Sprint(r.ID), Class: "num"},
				fracCell(r.finalTestAcc), lossCell(r.finalTrainL), n1Cell(f[0]), n1Cell(f[len(f)-1])})
			if r.TrainSize > 0 && r.finalTestAcc == r.finalTestAcc {
				s.xs, s.ys = append(s.xs, float64(r.TrainSize)), append(s.ys, r.finalTestAcc)
				acc.xTicks = append(acc.xTicks, plot.Tick{Value: float64(r.TrainSize), Label: fmt.Sprint(r.TrainSize)})
			}
		}
		blk.SideTab = st
		if len(s.xs) > 0 {
			acc.series = []series{s}
			acc.rotateTicks = len(s.xs) > 4
			img, err := acc.render(b.dir, b.name("samples-"+archName+"-accuracy"))
			if err != nil {
				return nil, err
			}
			blk.Side = append(blk.Side, img)
		} else {
			st.Note = "The file holds no test accuracy for these runs."
		}
		out = append(out, blk)
	}
	return out, nil
}

// layerLabel is "index: name" of a layer, the name shortened.
func layerLabel(p n1Point) string {
	if p.Name == "" {
		return fmt.Sprint(p.Layer)
	}
	return fmt.Sprintf("%d: %s", p.Layer, short(p.Name, 22))
}

// short keeps the end of long names, where ONNX tensor names say what
// they are.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

// layerChart draws N1 against the layer for lists, one series each, and
// returns a block with the chart and its data table. Lists with the same
// layers share an axis of layer indices labelled with the layer names;
// lists of the same length share layer positions; otherwise the x axis is
// the normalized depth.
func (b *builder) layerChart(title, slug string, labels []string, lists [][]n1Point, legendTitle string, ordered bool) (block, error) {
	same, sameLen := true, true
	for _, l := range lists[1:] {
		if len(l) != len(lists[0]) {
			same, sameLen = false, false
			break
		}
		for k := range l {
			if l[k].Layer != lists[0][k].Layer || l[k].Name != lists[0][k].Name {
				same = false
			}
		}
	}
	c := &chart{title: title, yLabel: "N1 (fraction of points)", legendTitle: legendTitle, ordered: ordered,
		width: 7.5 * vg.Inch, height: 4.2 * vg.Inch}
	blk := block{}
	x := func(list []n1Point, k int) float64 { return float64(k) }
	switch {
	case same:
		c.xLabel = "layer (index: name)"
		long := 0
		for k, p := range lists[0] {
			lab := layerLabel(p)
			long = max(long, len(lab))
			c.xTicks = append(c.xTicks, plot.Tick{Value: float64(k), Label: lab})
		}
		c.rotateTicks = long*len(lists[0]) > 60
		blk.Caption = ""
	case sameLen:
		c.xLabel = "layer position (0 = first layer measured, the input)"
		c.intX = true
		blk.Caption = "The runs' layers differ; a value's layer is named in the table."
	default:
		c.xLabel = "normalized depth (layer position ÷ (L − 1); 0 = input, 1 = output)"
		x = func(list []n1Point, k int) float64 {
			if len(list) < 2 {
				return 0
			}
			return float64(k) / float64(len(list)-1)
		}
		blk.Caption = "The runs have different numbers of measured layers L, so each layer is placed at its position ÷ (L − 1)."
	}
	estimated := false
	for i, list := range lists {
		s := series{label: labels[i]}
		for k, p := range list {
			s.xs = append(s.xs, x(list, k))
			s.ys = append(s.ys, p.N1)
			estimated = estimated || (p.Method != "" && p.Method != "exact")
		}
		c.series = append(c.series, s)
	}
	c.yMin, c.yMax = n1Range(c.series)
	img, err := c.render(b.dir, b.name(slug))
	if err != nil {
		return blk, err
	}
	blk.Charts = []image{img}
	blk.Caption = strings.TrimSpace("x axis: " + c.xLabel + "; y axis: N1 (fraction of points). " + blk.Caption)

	var t table
	if same {
		// One row per layer, one column per series.
		t = table{Caption: "N1 (fraction of points) per layer (rows) and " + legendTitle + " (columns)",
			Head: append([]string{"layer", "name"}, labels...)}
		for k, p := range lists[0] {
			row := []cell{{Text: fmt.Sprint(p.Layer), Class: "num"}, {Text: p.Name}}
			for _, l := range lists {
				row = append(row, n1Cell(l[k]))
			}
			t.Rows = append(t.Rows, row)
		}
	} else {
		// The layers differ: one row per series, one column per layer
		// position; a value's title names its layer.
		rows := 0
		for _, l := range lists {
			rows = max(rows, len(l))
		}
		t = table{Caption: "N1 (fraction of points) per " + legendTitle + " (rows) and layer position (columns); hover a value for its layer",
			Head: []string{legendTitle, "L"}}
		for k := 0; k < rows; k++ {
			t.Head = append(t.Head, fmt.Sprint(k))
		}
		for i, l := range lists {
			row := []cell{{Text: labels[i]}, {Text: fmt.Sprint(len(l)), Class: "num"}}
			for k := 0; k < rows; k++ {
				if k < len(l) {
					row = append(row, n1Cell(l[k]))
				} else {
					row = append(row, cell{Class: "muted"})
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	if estimated {
		t.Note = estimatedNote
	}
	blk.Tables = []table{t}
	return blk, nil
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 24px; color: #222; max-width: 1500px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 6px; border-bottom: 2px solid #ccc; padding-bottom: 3px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.meta, p.intro, .note { color: #555; font-size: 14px; }
.row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
figure { margin: 0; }
p.caption { font-size: 13px; color: #555; max-width: 720px; margin: 4px 0; }
.side { max-width: 470px; }
table { border-collapse: collapse; font-size: 13px; margin: 10px 0; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid #ccc; padding: 3px 7px; }
th { background: #f0f0f0; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.muted { color: #999; }
td.bad { color: #a40000; font-weight: bold; background: #fff0f0; }
tr:nth-child(even) td { background-color: #fafafa; }
tr:nth-child(even) td.bad { background: #fff0f0; }
.tables { overflow-x: auto; }
.gallery { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.gallery figure { width: 110px; font-size: 11px; color: #444; text-align: center; }
.gallery img { image-rendering: pixelated; border: 1px solid #ccc; }
.gallery figure.flipped img { border: 2px solid #a40000; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">File {{.File}} (schema version {{.Version}}), report written {{.Generated}}.</p>
{{if .All}}<p class="note">All runs are plotted, whatever their status; runs that are not complete stopped part way and are marked ⚠.</p>
{{else}}<p class="note">Only complete runs are plotted.{{if .Skipped}} {{.Skipped}} run(s) that are not complete are marked ⚠ below and left out of the charts.{{end}}</p>
{{end}}
{{with .Runs}}{{if .Rows}}{{template "table" .}}{{else}}<p>The file holds no runs.</p>{{end}}{{end}}
{{if not .Sections}}<p class="note">There is no N1 to plot.</p>{{end}}
{{range .Sections}}
<section id="{{.ID}}">
<h2>{{.Title}}</h2>
<p class="intro">{{.Intro}}</p>
{{range .Blocks}}
{{if .Title}}<h3>{{.Title}}</h3>{{end}}
<div class="row">
<div>
{{range .Charts}}<figure>{{template "img" .}}</figure>
{{end}}
<p class="caption">{{.Caption}}</p>
</div>
<div class="side">
{{range .Side}}<figure>{{template "img" .}}</figure>
{{end}}
{{with .SideTab}}{{template "table" .}}{{end}}
</div>
</div>
{{if .Gallery}}<div class="gallery">
{{range .Gallery}}<figure{{if .Flipped}} class="flipped"{{end}}><img src="{{.PNG}}" width="{{.Width}}" height="{{.Height}}" alt="{{.Caption}}"><figcaption>{{.Caption}}</figcaption></figure>
{{end}}</div>{{end}}
<div class="tables">
{{range .Tables}}{{template "table" .}}{{end}}
</div>
{{end}}
</section>
{{end}}
</body>
</html>
{{define "img"}}<img src="{{.PNG}}" width="{{.Width}}" height="{{.Height}}" alt="chart {{.PNG}}"><br><a href="{{.SVG}}">SVG</a>{{end}}
{{define "table"}}<table>
<caption>{{.Caption}}</caption>
{{if .Head}}<tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>{{end}}
{{range .Rows}}<tr>{{range .}}<td{{if .Class}} class="{{.Class}}"{{end}}{{if .Title}} title="{{.Title}}"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</table>
{{with .Note}}<p class="note">{{.}}</p>{{end}}{{end}}
`))
