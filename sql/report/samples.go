package report

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// maxHeatClasses is the most classes a heat map shows; past it the class
// pairs are listed only.
const maxHeatClasses = 40

// samplesSection is the section of the runs with per-sample rows.
func (b *builder) samplesSection(runs []*run) (section, error) {
	sec := section{ID: "per-sample", Title: "Per-sample rows: which classes, which samples",
		Intro: "From the per-sample rows (cxray analyze --samples): the edges of each layer's tree between every pair of classes, " +
			"the layer from which each class's samples leave the boundary, and the samples still on it at the last layer."}
	for _, r := range runs {
		p := r.samples
		title := fmt.Sprintf("Run %d: %s", r.ID, r.Name)
		if len(r.epochs) > 1 {
			title += fmt.Sprintf(", epoch %d", p.epoch)
		}
		heat, err := b.heatBlock(r, title)
		if err != nil {
			return sec, err
		}
		depth, err := b.depthBlock(r)
		if err != nil {
			return sec, err
		}
		sec.Blocks = append(sec.Blocks, heat, depth, b.hardestBlock(r))
	}
	return sec, nil
}

// heatBlock: a heat map of the class pairs' entanglement per layer, small
// multiples on one shared scale, and the most entangled pairs per layer.
func (b *builder) heatBlock(r *run, title string) (block, error) {
	p := r.samples
	blk := block{Title: title + ": class entanglement per layer"}
	t := table{Caption: "The most entangled pairs of each layer (view class_entanglement)",
		Head: []string{"layer", "name", "pair", "cross edges", "entanglement", "share"}}
	for _, l := range p.layers {
		pairs := slices.Clone(p.pairs[l])
		var total int64
		for _, q := range pairs {
			total += q.CrossEdges
		}
		slices.SortStableFunc(pairs, func(x, y pairRow) int {
			return cmpFloat(y.entanglement(), x.entanglement())
		})
		for _, q := range pairs[:min(3, len(pairs))] {
			t.Rows = append(t.Rows, []cell{{Text: fmt.Sprint(l), Class: "num"}, {Text: r.layers[l].Name},
				{Text: q.A + " – " + q.B}, {Text: fmt.Sprint(q.CrossEdges), Class: "num"},
				{Text: fmt.Sprintf("%.4f", q.entanglement()), Class: "num"},
				{Text: fmt.Sprintf("%.3f", float64(q.CrossEdges)/float64(total)), Class: "num"}})
		}
	}
	blk.Tables = []table{t}
	if len(p.classes) > maxHeatClasses || len(p.classes) < 2 {
		blk.Caption = fmt.Sprintf("%d classes: too many for a heat map; the table lists the most entangled pairs.", len(p.classes))
		return blk, nil
	}
	img, err := b.heatMaps(r)
	if err != nil {
		return blk, err
	}
	blk.Charts = []image{img}
	blk.Caption = "Entanglement of classes a and b in a layer: the edges of its minimum spanning tree that join them, " +
		"per sample of the two (cross_edges / (n_a + n_b)); 0 (white) when the tree keeps them apart. One panel per layer, one colour scale."
	return blk, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pairGrid is one layer's symmetric matrix of entanglement, a
// plotter.GridXYZ; row 0 is drawn at the top.
type pairGrid struct {
	k int
	z []float64
}

func (g pairGrid) Dims() (c, r int)   { return g.k, g.k }
func (g pairGrid) Z(c, r int) float64 { return g.z[(g.k-1-r)*g.k+c] }
func (g pairGrid) X(c int) float64    { return float64(c) }
func (g pairGrid) Y(r int) float64    { return float64(r) }

// heatMaps draws the layers' heat maps in a grid, with a colour bar.
func (b *builder) heatMaps(r *run) (image, error) {
	p := r.samples
	k := len(p.classes)
	index := map[string]int{}
	for i, c := range p.classes {
		index[c] = i
	}
	grids := make([]pairGrid, len(p.layers))
	top := 0.0
	for i, l := range p.layers {
		g := pairGrid{k: k, z: make([]float64, k*k)}
		for _, q := range p.pairs[l] {
			a, ok1 := index[q.A]
			c, ok2 := index[q.B]
			if !ok1 || !ok2 {
				continue
			}
			v := q.entanglement()
			g.z[a*k+c], g.z[c*k+a] = v, v
			top = max(top, v)
		}
		grids[i] = g
	}
	if top == 0 {
		top = 1
	}
	cm, err := moreland.NewLuminance([]color.Color{
		color.RGBA{120, 0, 20, 255}, color.RGBA{220, 80, 40, 255}, color.RGBA{250, 200, 110, 255}, color.White,
	})
	if err != nil {
		return image{}, err
	}
	cm = palette.Reverse(cm)
	cm.SetMin(0)
	cm.SetMax(top)
	pal := cm.Palette(128)
	var ticks []plot.Tick
	if k <= 12 {
		for i, c := range p.classes {
			ticks = append(ticks, plot.Tick{Value: float64(i), Label: short(c, 6)})
		}
	}
	var plots []*plot.Plot
	for i, l := range p.layers {
		pl := plot.New()
		pl.Title.Text = fmt.Sprintf("%d %s", l, short(r.layers[l].Name, 22))
		pl.Title.TextStyle.Font = font.From(sans, 8)
		h := plotter.NewHeatMap(grids[i], pal)
		h.Min, h.Max = 0, top
		pl.Add(h)
		for ax, a := range []*plot.Axis{&pl.X, &pl.Y} {
			a.Tick.Label.Font = font.From(sans, 6)
			a.Padding = 0
			yt := make([]plot.Tick, len(ticks))
			for j, t := range ticks {
				if ax == 1 {
					t.Value = float64(k - 1 - j) // row 0 at the top
				}
				yt[j] = t
			}
			a.Tick.Marker = plot.ConstantTicks(yt)
		}
		plots = append(plots, pl)
	}
	bar := plot.New()
	bar.Title.Text = "entanglement"
	bar.Title.TextStyle.Font = font.From(sans, 8)
	bar.HideY()
	bar.X.Tick.Label.Font = font.From(sans, 7)
	bar.Add(&plotter.ColorBar{ColorMap: cm})
	plots = append(plots, bar)

	const cols = 5
	rows := (len(plots) + cols - 1) / cols
	tile := 1.75 * vg.Inch
	w, h := cols*tile, vg.Length(rows)*tile
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(6),
		PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}
	drawAll := func(c draw.Canvas) {
		for i, pl := range plots {
			tc := tiles.At(c, i%cols, i/cols)
			if i == len(plots)-1 {
				// The colour bar: a band in the middle of its tile.
				mid := (tc.Min.Y + tc.Max.Y) / 2
				tc.Min.Y, tc.Max.Y = mid-vg.Points(22), mid+vg.Points(22)
			}
			pl.Draw(tc)
		}
	}
	name := b.name(fmt.Sprintf("run%d-class-pairs", r.ID))
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
	drawAll(draw.New(img))
	if err := writeTo(filepath.Join(b.dir, name+".png"), vgimg.PngCanvas{Canvas: img}); err != nil {
		return image{}, err
	}
	svg := vgsvg.NewWith(vgsvg.UseWH(w, h))
	dc := draw.New(svg)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	drawAll(dc)
	if err := writeTo(filepath.Join(b.dir, name+".svg"), svg); err != nil {
		return image{}, err
	}
	return image{PNG: name + ".png", SVG: name + ".svg", Width: int(math.Round(w.Dots(cssDPI))), Height: int(math.Round(h.Dots(cssDPI)))}, nil
}

// depthBlock: per class, the fraction of its samples off the boundary
// from each layer on, and a table of where they leave it.
func (b *builder) depthBlock(r *run) (block, error) {
	p := r.samples
	blk := block{Title: fmt.Sprintf("Run %d: separation depth per class", r.ID)}
	c := &chart{title: "Samples off the boundary from this layer on", xLabel: "layer index",
		yLabel: "fraction of the class", intX: true, yMin: 0, yMax: 1.02,
		width: 6.4 * vg.Inch, height: 3.4 * vg.Inch, legendTitle: "class"}
	t := table{Caption: "Where each class's samples leave the boundary (view separation_depth)",
		Head: []string{"class", "samples", "never on it", "median layer", "still on it at the last layer"}}
	for _, label := range p.classes {
		xs, ys := p.depthCurve(label)
		if xs == nil {
			continue
		}
		if len(p.classes) <= 20 {
			c.series = append(c.series, series{label: label, xs: xs, ys: ys})
		}
		t.Rows = append(t.Rows, depthRow(label, p.depth[label], p.layers))
	}
	blk.Tables = []table{t}
	blk.Caption = "A sample is off the boundary from the layer after the last one where it is an end of a cross-class edge of the tree " +
		"(from the first layer when it never is). Each line climbs to the fraction of its class that the network separates."
	if len(c.series) == 0 {
		return blk, nil
	}
	img, err := c.render(b.dir, b.name(fmt.Sprintf("run%d-separation-depth", r.ID)))
	if err != nil {
		return blk, err
	}
	blk.Charts = []image{img}
	return blk, nil
}

// depthRow is one class's row of the separation table.
func depthRow(label string, depth map[int]int, layers []int) []cell {
	total, still := 0, depth[-1]
	for _, n := range depth {
		total += n
	}
	median := "–"
	seen := 0
	for _, l := range layers {
		seen += depth[l]
		if 2*seen >= total {
			median = fmt.Sprint(l)
			break
		}
	}
	first := 0
	if len(layers) > 0 {
		first = depth[layers[0]]
	}
	return []cell{{Text: label}, {Text: fmt.Sprint(total), Class: "num"}, {Text: fmt.Sprint(first), Class: "num"},
		{Text: median, Class: "num"}, {Text: fmt.Sprint(still), Class: "num"}}
}

// hardestBlock: the samples on the boundary at the last layer, with a
// gallery of their images when the dataset's images can be read.
func (b *builder) hardestBlock(r *run) block {
	p := r.samples
	blk := block{Title: fmt.Sprintf("Run %d: the hardest samples", r.ID)}
	t := table{Caption: "On the boundary at the last layer, ranked by the layers on whose boundary they are, then by n2_ratio (view hardest_samples)",
		Head: []string{"rank", "sample", "key", "class", "boundary layers", "n2_ratio", "label flipped"}}
	for _, h := range p.hardest {
		flipped := cell{Text: "–", Class: "muted"}
		if h.Known {
			flipped = cell{Text: fmt.Sprint(h.Flipped)}
			if h.Flipped {
				flipped.Class = "bad"
			}
		}
		t.Rows = append(t.Rows, []cell{{Text: fmt.Sprint(h.Rank), Class: "num"}, {Text: fmt.Sprint(h.Sample), Class: "num"},
			{Text: h.Key}, {Text: h.Label}, {Text: fmt.Sprintf("%d of %d", h.Boundary, h.Of), Class: "num"},
			fracCell(h.N2Ratio), flipped})
	}
	if len(p.hardest) == 0 {
		t.Note = "No sample is on the boundary at the last layer."
	}
	blk.Tables = []table{t}
	thumbs, note := b.gallery(r)
	blk.Gallery = thumbs
	blk.Caption = note
	return blk
}
