// StyleGAN3's filtered leaky ReLU for one channel plane in one pass, in a few rows of scratch: the
// upsampling FIR runs polyphase (each output phase is a short correlation of the input row, so no
// zeros are multiplied), the activation runs on each upsampled row as it is made, and the
// downsampling FIR reads the row split by phase, so every loop is contiguous.
#include "variants.h"

static inline idx floor_div(idx a, idx b) { return (a >= 0) ? a / b : -((-a + b - 1) / b); }
static inline idx floor_mod(idx a, idx b) { return a - floor_div(a, b) * b; }
static inline idx ceil_div(idx a, idx b) { return (a + b - 1) / b; }

// The input indices [lo, hi) that the phases of the horizontal upsampling read (zero outside the
// row), so one padded copy of the row serves every phase.
typedef struct {
    idx lo, hi;
} span;

static span input_span(idx w, idx wt, int ku, int up, int px0) {
    span s = {0, w};
    for (int p = 0; p < up; p++) {
        idx t0 = floor_mod(px0 - p, up), count = ceil_div(wt - p > 0 ? wt - p : 0, up);
        idx c = floor_div(p + t0 - px0, up), taps = ceil_div(ku - t0 > 0 ? ku - t0 : 0, up);
        if (count == 0 || taps == 0) continue;
        if (c < s.lo) s.lo = c;
        if (c + count - 1 + taps > s.hi) s.hi = c + count - 1 + taps;
    }
    return s;
}

// Rows of the horizontally upsampled input that one upsampled row can read: the taps landing on
// real (not inserted) rows, at most ceil(ku / up), plus one as the window slides.
static idx upsampled_ring(int ku, int up) { return ceil_div(ku, up) + 1; }

ptrdiff_t toon_filtered_lrelu_scratch(ptrdiff_t h, ptrdiff_t w, int ku, int up, int px0, int px1, int py0, int py1,
                                      int kd, int down, ptrdiff_t out_w) {
    (void)h; (void)py0; (void)py1;
    idx wt = w * up + px0 + px1 - ku + 1;
    span s = input_span(w, wt, ku, up, px0);
    idx phased = down * (ceil_div(wt, down) + kd);
    idx ring_row = out_w > phased ? out_w : phased;
    return (s.hi - s.lo) + (wt + up) + upsampled_ring(ku, up) * wt + wt + phased + kd * ring_row;
}

// One row of the input, plus bias, upsampled horizontally, polyphase: output x = up * m + p reads
// taps t = t0 + up * j at input index m + c + j (c = (p + t0 - px0) / up, exact).
TOON_BODY void upsample_row(const float *row, idx w, float bias, const float *fu, int ku, int up, int px0, idx wt,
                            span s, float *padded, float *phase_out, float *urow) {
    for (idx i = s.lo; i < s.hi; i++) padded[i - s.lo] = (i >= 0 && i < w) ? row[i] + bias : 0.0f;
    for (int p = 0; p < up; p++) {
        idx t0 = floor_mod(px0 - p, up), count = ceil_div(wt - p > 0 ? wt - p : 0, up);
        idx c = floor_div(p + t0 - px0, up), taps = ceil_div(ku - t0 > 0 ? ku - t0 : 0, up);
        if (count == 0) continue;
        const float *src = padded + (c - s.lo);
        TOON_VECTOR_LOOP
        for (idx m = 0; m < count; m++) phase_out[m] = 0.0f;
        for (idx j = 0; j < taps; j++) {
            float f = fu[t0 + up * j];
            const float *sj = src + j;
            TOON_VECTOR_LOOP
            for (idx m = 0; m < count; m++) phase_out[m] += f * sj[m];
        }
        for (idx m = 0; m < count; m++) urow[up * m + p] = phase_out[m];
    }
}

// The plane streams through small ring buffers (a few rows each, so they stay in cache): input
// rows are upsampled horizontally as the vertical filter first needs them; each upsampled row is
// activated, split by phase and filtered horizontally; each output row is made as soon as the rows
// it reads exist.
TOON_BODY void toon_filtered_lrelu_body(int isa, const float *x, ptrdiff_t h, ptrdiff_t w, float bias,
                                        const float *fu, int ku, int up, int px0, int px1, int py0, int py1,
                                        float slope, float gain, float lo, float hi,
                                        const float *fd, int kd, int fd_2d, int down,
                                        float *out, ptrdiff_t out_h, ptrdiff_t out_w, float *scratch) {
    (void)isa;
    idx wt = w * up + px0 + px1 - ku + 1, ht = h * up + py0 + py1 - ku + 1;
    span s = input_span(w, wt, ku, up, px0);
    idx phase_len = ceil_div(wt, down) + kd;  // one phase of a row split for the downsampling
    idx phased = down * phase_len;
    idx ring_u = upsampled_ring(ku, up), ring_row = out_w > phased ? out_w : phased;
    float *padded = scratch;                        // one input row plus bias, zeros outside [0, w)
    float *phase_out = padded + (s.hi - s.lo);      // one phase of the horizontal upsampling
    float *u = phase_out + (wt + up);               // ring of horizontally upsampled input rows
    float *t = u + ring_u * wt;                     // one fully upsampled row
    float *split = t + wt;                          // that row, activated and split by phase of `down`
    float *ring = split + phased;                   // the last kd rows: filtered (1-D fd) or split (2-D fd)
    idx next_input = 0, next_out = 0;

    for (idx ty = 0; ty < ht && next_out < out_h; ty++) {
        // The input rows this row's taps land on, upsampled once each.
        idx last = floor_div(ty + ku - 1 - py0, up);
        if (last > h - 1) last = h - 1;
        for (; next_input <= last; next_input++) {
            upsample_row(x + next_input * w, w, bias, fu, ku, up, px0, wt, s, padded, phase_out,
                         u + (next_input % ring_u) * wt);
        }
        // Vertical upsampling: only the taps that land on a real (not inserted) row.
        TOON_VECTOR_LOOP
        for (idx i = 0; i < wt; i++) t[i] = 0.0f;
        for (idx k = floor_mod(py0 - ty, up); k < ku; k += up) {
            idx iy = (ty + k - py0) / up;
            if (iy < 0 || iy >= h) continue;
            float f = fu[k];
            const float *urow = u + (iy % ring_u) * wt;
            TOON_VECTOR_LOOP
            for (idx i = 0; i < wt; i++) t[i] += f * urow[i];
        }
        // Leaky ReLU, gain, clamp (NVLabs bias_act order), then the row split by phase.
        float *slot = ring + (ty % kd) * ring_row;
        float *dst = fd_2d ? slot : split;
        for (int p = 0; p < down; p++) {
            float *ph = dst + p * phase_len;
            idx count = ceil_div(wt - p > 0 ? wt - p : 0, down);
            for (idx m = 0; m < count; m++) {
                float v = t[down * m + p];
                v = (v > 0.0f ? v : v * slope) * gain;
                ph[m] = v < lo ? lo : (v > hi ? hi : v);
            }
            for (idx m = count; m < phase_len; m++) ph[m] = 0.0f;
        }
        if (!fd_2d) {
            // Horizontal downsampling filter: out x reads t[down * x + k] = phase k % down at x + k / down.
            TOON_VECTOR_LOOP
            for (idx ox = 0; ox < out_w; ox++) slot[ox] = 0.0f;
            for (int k = 0; k < kd; k++) {
                float f = fd[k];
                const float *src = split + (k % down) * phase_len + k / down;
                TOON_VECTOR_LOOP
                for (idx ox = 0; ox < out_w; ox++) slot[ox] += f * src[ox];
            }
        }
        // Every output row whose last row is here: kd rows from oy * down, all still in the ring.
        for (; next_out < out_h && next_out * down + kd - 1 <= ty; next_out++) {
            float *orow = out + next_out * out_w;
            TOON_VECTOR_LOOP
            for (idx ox = 0; ox < out_w; ox++) orow[ox] = 0.0f;
            for (int a = 0; a < kd; a++) {
                const float *srow = ring + ((next_out * down + a) % kd) * ring_row;
                if (!fd_2d) {
                    float f = fd[a];
                    TOON_VECTOR_LOOP
                    for (idx ox = 0; ox < out_w; ox++) orow[ox] += f * srow[ox];
                    continue;
                }
                // A 2-D (radial) downsampling filter: row a of it over split row oy * down + a.
                for (int b = 0; b < kd; b++) {
                    float f = fd[a * kd + b];
                    const float *src = srow + (b % down) * phase_len + b / down;
                    TOON_VECTOR_LOOP
                    for (idx ox = 0; ox < out_w; ox++) orow[ox] += f * src[ox];
                }
            }
        }
    }
}

TOON_VARIANTS(toon_filtered_lrelu,
              (int isa, const float *x, ptrdiff_t h, ptrdiff_t w, float bias, const float *fu, int ku, int up, int px0,
               int px1, int py0, int py1, float slope, float gain, float lo, float hi, const float *fd, int kd,
               int fd_2d, int down, float *out, ptrdiff_t out_h, ptrdiff_t out_w, float *scratch),
              (isa, x, h, w, bias, fu, ku, up, px0, px1, py0, py1, slope, gain, lo, hi, fd, kd, fd_2d, down, out,
               out_h, out_w, scratch))
