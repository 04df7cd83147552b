package tap

import (
	"errors"
	"fmt"

	"cxray/stream/measure/n1"
)

// sampleTracker follows the samples a layer's estimator may hold, for the
// per-sample rows: their stream positions and the keys the source gave
// them. Without a reservoir every sample is held, in stream order; with
// one, the samples in its slots, whose positions the tracker records as
// the sampler hands the slots out. Memory: a key per sample without a
// reservoir, a key and a position per slot with one.
type sampleTracker struct {
	offered int64            // samples offered before the batch last admitted
	all     []string         // keys by stream position, without a reservoir
	kept    map[int64]string // keys by stream position, with a reservoir
	slotPos []int64          // the stream position each slot holds, -1 if none
}

// TrackSamples makes the router follow the samples' positions and keys
// (see Keys), so that Samples can place and name them. Call it before the
// first Admit.
func (r *Router) TrackSamples() {
	r.track = &sampleTracker{}
	if r.sampler != nil {
		r.track.kept = map[int64]string{}
	}
}

// admitted records the batch Admit just handed out: n samples, of which
// the rows went to the slots.
func (t *sampleTracker) admitted(n int, rows, slots []int, sampled bool) {
	if sampled {
		for j, row := range rows {
			s := slots[j]
			for len(t.slotPos) <= s {
				t.slotPos = append(t.slotPos, -1)
			}
			if old := t.slotPos[s]; old >= 0 {
				delete(t.kept, old)
			}
			t.slotPos[s] = t.offered + int64(row)
		}
	}
	t.offered += int64(n)
}

// Keys takes the keys of the batch last given to Admit (source.Batch.Keys:
// one per sample, or none when the source does not name its samples). It
// does nothing unless TrackSamples was called.
func (r *Router) Keys(keys []string) {
	t := r.track
	if t == nil || len(keys) != r.admittedN {
		return // the source does not name these samples
	}
	start := t.offered - int64(r.admittedN)
	if r.sampler == nil {
		// Positions without keys (a source that names only some
		// batches) stay empty.
		for int64(len(t.all)) < start {
			t.all = append(t.all, "")
		}
		t.all = append(t.all, keys...)
		return
	}
	for j, row := range r.rows {
		// A slot taken again later in the batch holds the later row.
		if pos := start + int64(row); t.slotPos[r.slots[j]] == pos {
			t.kept[pos] = keys[row]
		}
	}
}

// key is the key of the sample at stream position pos, "" if unknown.
func (t *sampleTracker) key(pos int64) string {
	switch {
	case t.kept != nil:
		return t.kept[pos]
	case pos < int64(len(t.all)):
		return t.all[pos]
	}
	return ""
}

// Samples returns layer i's per-sample values (n1.Samples, with Index the
// stream positions) and the key of each of its samples ("" where the
// source gives none), read from the tree of the layer's final Estimate.
// Projected layers have none, nor layers whose neighbours do not fit the
// workspace: the reason is returned instead. It needs
// TrackSamples before the stream, and the final Estimate of layer i.
func (r *Router) Samples(i int) (s *n1.Samples, keys []string, skipped string, err error) {
	if r.track == nil {
		return nil, nil, "", fmt.Errorf("layer %q: per-sample values need TrackSamples before the stream", r.layers[i].Name)
	}
	switch e := r.est[i].(type) {
	case *n1.ExactN1:
		s, err = e.Samples()
	case *n1.SampledN1:
		if s, err = e.Samples(); err == nil {
			// The estimator counts the rows it was given; the stream
			// positions are those the sampler's slots were given for.
			for j, slot := range s.Slots {
				s.Index[j] = r.track.slotPos[slot]
			}
		}
	default:
		return nil, nil, "per-sample rows: only for layers measured exactly or by a reservoir, not projected ones", nil
	}
	var we *n1.WorkspaceError
	if errors.As(err, &we) {
		return nil, nil, "per-sample rows: " + we.Error() + " (--memory)", nil
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("layer %q: %w", r.layers[i].Name, err)
	}
	keys = make([]string, s.N())
	for j, pos := range s.Index {
		keys[j] = r.track.key(pos)
	}
	return s, keys, "", nil
}
