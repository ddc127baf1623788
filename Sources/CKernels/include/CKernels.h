#ifndef TOON_CKERNELS_H
#define TOON_CKERNELS_H

// Vector loops of ToonCore's hot paths (Winograd transforms, FIR filtering, convolution epilogues),
// written once as plain C and compiled three times: for the x86-64 baseline, for AVX2 + FMA and
// for AVX-512. The library is built without any -m flags; each call names the instruction set it
// may use (`isa`, at most `toon_isa_supported()`), so callers choose the path explicitly and tests
// can run every path on one machine. Off x86 every level runs the same portable code.
//
// Results do not depend on `isa`: contraction into fused multiply-adds is off, so each level does
// the same float operations in the same order.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels, in increasing order.
enum {
    TOON_ISA_BASELINE = 0,  ///< x86-64 (SSE2), or any other architecture
    TOON_ISA_AVX2 = 1,      ///< AVX2 and FMA (x86-64-v3)
    TOON_ISA_AVX512 = 2,    ///< AVX-512 F, VL, BW, DQ (x86-64-v4)
};

/// The highest level this CPU and OS can run, decided by cpuid (and the saved register state).
int toon_isa_supported(void);

// MARK: Winograd F(2x2, 3x3), stride 1

/// Splits input row `src` (`width` floats, times `factor`) by column parity for the tile loops:
/// odd[j] = src[2j], even[j + 1] = src[2j + 1]; every other element of even[0..<padded] and
/// odd[0..<padded] is zero.
void toon_split_row(int isa, const float *src, ptrdiff_t width, float factor, float *even, float *odd, ptrdiff_t padded);

/// Bᵀ over four rows of `n` floats: t0 = r0 - r2, t1 = r1 + r2, t2 = r2 - r1, t3 = r1 - r3.
void toon_winograd_rows(int isa, const float *r0, const float *r1, const float *r2, const float *r3,
                        float *t0, float *t1, float *t2, float *t3, ptrdiff_t n);

/// (Bᵀ d) B along one row split by column parity, for `tiles` tiles: out0[t] = e[t] - e[t+1],
/// out1[t] = o[t] + e[t+1], out2[t] = e[t+1] - o[t], out3[t] = o[t] - o[t+1].
void toon_winograd_columns(int isa, const float *even, const float *odd,
                           float *out0, float *out1, float *out2, float *out3, ptrdiff_t tiles);

/// Aᵀ m A for `tiles` tiles, product k at m + k * stride: each tile's 2x2 pixels, left and right
/// interleaved into the `top` and `bottom` output rows (2 * tiles floats each).
void toon_winograd_output(int isa, const float *m, ptrdiff_t stride, float *top, float *bottom, ptrdiff_t tiles);

// MARK: Winograd F(2, 2) for stride-2 transposed 3x3 convolutions

/// The 25 transformed values of `tiles` tiles from three input rows split by parity (`even`,
/// `odd`: row 0's halves, each next row `2 * padded` further), stored at slots[s][t].
void toon_winograd_up_input(int isa, const float *even, const float *odd, ptrdiff_t padded,
                            float *const *slots, ptrdiff_t tiles);

/// Output rows 0..<rows (at most 4) of a band of 4x4 output blocks, one block per tile, from the
/// 25 products at slots[s][t]; row r starts at dst + r * out_width and holds out_width floats
/// (the last tile may be cut off).
void toon_winograd_up_output(int isa, const float *const *slots, int rows, float *dst, ptrdiff_t out_width,
                             ptrdiff_t tiles);

// MARK: FIR filtering (separable, correlation taps)

/// d[x] = sum over t < k of taps[t] * row[x + t], for x in 0..<n.
void toon_fir_row(int isa, const float *row, const float *taps, int k, float *d, ptrdiff_t n);

/// d[x] = sum over t < k of taps[t] * s[t * stride + x], for x in 0..<n.
void toon_fir_column(int isa, const float *s, ptrdiff_t stride, const float *taps, int k, float *d, ptrdiff_t n);

// MARK: Resampling and column gathers

/// For each of `rows` rows (src rows `in_size` apart, dst rows `out_size` apart): dst[j] = sum over
/// t < width of weight[j * width + t] * src[index[j * width + t]], summed in t order from zero
/// (width 1: the single product; width 2: the sum of the two products).
void toon_axis_map_rows(int isa, const float *src, float *dst, ptrdiff_t rows, ptrdiff_t in_size, ptrdiff_t out_size,
                        const ptrdiff_t *index, const float *weight, ptrdiff_t width);

/// As toon_axis_map_rows, with outputs lo..<hi (even numbers when `phases` is 2) computed from the
/// map's regular form: `phases` 1 (d[j] = sum of weights[t] * s[j + offsets[0] + t]) or 2 (d[2i + p]
/// = sum of weights[p * width + t] * s[i + offsets[p] + t]; only with width 2). Same floats as
/// toon_axis_map_rows.
void toon_axis_map_rows_regular(int isa, const float *src, float *dst, ptrdiff_t rows, ptrdiff_t in_size,
                                ptrdiff_t out_size, const ptrdiff_t *index, const float *weight, ptrdiff_t width,
                                int phases, const ptrdiff_t *offsets, const float *weights, ptrdiff_t lo,
                                ptrdiff_t hi);

/// dst[x] = src[x * step] * factor, for x in 0..<n.
void toon_gather_row(int isa, const float *src, ptrdiff_t step, float factor, float *dst, ptrdiff_t n);

/// dst[x] = src[x * step], for x in 0..<n.
void toon_gather_row_unscaled(int isa, const float *src, ptrdiff_t step, float *dst, ptrdiff_t n);

// MARK: Convolution epilogue

/// StyleGAN2's epilogue in NVLabs' order over `n` values of one channel plane, in place:
/// p = clamp(act(p * scale + noise * noise_strength + bias) * gain, lo, hi), act(z) = z > 0 ? z :
/// z * slope; `noise` may be NULL (then no noise term).
void toon_epilogue(int isa, float *plane, ptrdiff_t n, float scale, const float *noise, float noise_strength,
                   float bias, float slope, float gain, float lo, float hi);

/// The gradient of `toon_epilogue` for `n` values of one plane whose output was `y`, given the output
/// gradient `g`: gconv = the gradient of the raw convolution output; gnoise_sum (when not NULL) gets
/// the noise map's gradient added; *scale_grad (when not NULL) = the gradient of `scale`, which must
/// be nonzero. Needs gain > 0; slope 0 (ReLU) is allowed.
void toon_epilogue_backward(int isa, const float *g, const float *y, ptrdiff_t n, float scale, const float *noise,
                            float noise_strength, float bias, float slope, float gain, float lo, float hi,
                            float *gconv, float *gnoise_sum, float *scale_grad);

/// The gradient through an input channel scale, over `n` values of one plane: on entry `gx` holds
/// the gradient of x * scale; *scale_grad (when not NULL) = sum of gx * x; then gx *= scale.
void toon_scale_backward(int isa, float *gx, const float *x, ptrdiff_t n, float scale, float *scale_grad);

// MARK: StyleGAN3 filtered leaky ReLU

/// Floats of scratch that one `toon_filtered_lrelu` call needs (see there for the arguments).
ptrdiff_t toon_filtered_lrelu_scratch(ptrdiff_t h, ptrdiff_t w, int ku, int up, int px0, int px1, int py0, int py1,
                                      int kd, int down, ptrdiff_t out_w);

/// NVLabs filtered_lrelu over one h x w channel plane `x`: add `bias`, upsample by `up` (zero
/// insertion), pad by px0/px1/py0/py1 (negative crops), correlate with the separable `ku`-tap `fu`
/// (already flipped and scaled by the gain), then v = clamp(lrelu(v, slope) * gain, lo, hi), then
/// correlate with `fd` (`kd` taps, separable, or a kd x kd row-major filter when `fd_2d`) and keep
/// every `down`-th value, writing out_h x out_w floats to `out`.
void toon_filtered_lrelu(int isa, const float *x, ptrdiff_t h, ptrdiff_t w, float bias, const float *fu, int ku, int up,
                         int px0, int px1, int py0, int py1, float slope, float gain, float lo, float hi,
                         const float *fd, int kd, int fd_2d, int down, float *out, ptrdiff_t out_h, ptrdiff_t out_w,
                         float *scratch);

#ifdef __cplusplus
}
#endif

#endif
