// Resampling along rows (ToonCore's AxisMap: FIR up/downsampling, resize, pooling) and the
// im2col row copy of the direct convolution. Indexed and strided loads stay scalar: vector
// gathers are slower than scalar loads on AMD's cores, and these loops are short.
#include "variants.h"

#ifdef __clang__
#define TOON_SCALAR_LOOP _Pragma("clang loop vectorize(disable)")
#else
#define TOON_SCALAR_LOOP
#endif

TOON_BODY void toon_axis_map_rows_body(int isa, const float *restrict src, float *restrict dst, idx rows,
                                       idx in_size, idx out_size, const idx *restrict index,
                                       const float *restrict weight, idx width) {
    (void)isa;
    for (idx r = 0; r < rows; r++) {
        const float *s = src + r * in_size;
        float *d = dst + r * out_size;
        if (width == 1) {
            TOON_SCALAR_LOOP
            for (idx j = 0; j < out_size; j++) d[j] = weight[j] * s[index[j]];
        } else if (width == 2) {
            TOON_SCALAR_LOOP
            for (idx j = 0; j < out_size; j++)
                d[j] = weight[2 * j] * s[index[2 * j]] + weight[2 * j + 1] * s[index[2 * j + 1]];
        } else {
            TOON_SCALAR_LOOP
            for (idx j = 0; j < out_size; j++) {
                float acc = 0;
                const idx base = j * width;
                for (idx t = 0; t < width; t++) acc += weight[base + t] * s[index[base + t]];
                d[j] = acc;
            }
        }
    }
}
TOON_VARIANTS(toon_axis_map_rows,
              (int isa, const float *src, float *dst, idx rows, idx in_size, idx out_size, const idx *index,
               const float *weight, idx width),
              (isa, src, dst, rows, in_size, out_size, index, weight, width))

// Outputs lo..<hi of a map whose taps are consecutive inputs with the same weights: with one phase,
// d[j] = sum over t of w[t] * s[j + off[0] + t]; with two (upsampling by 2), d[2i + p] = sum over t
// of w[p * width + t] * s[i + off[p] + t]. The sums are formed as toon_axis_map_rows forms them
// (width 1: the product; width 2: the two products added; wider: added in t order from zero), so
// both give the same floats; here the loads are contiguous and the loop runs in vectors.
TOON_BODY void toon_axis_map_regular_body(int isa, const float *restrict s, float *restrict d, int phases,
                                          const idx *restrict off, const float *restrict w, idx width, idx lo, idx hi) {
    (void)isa;
    if (phases == 2 && width == 2) {
        const float e0 = w[0], e1 = w[1], o0 = w[2], o1 = w[3];
        const float *se = s + off[0], *so = s + off[1];
        TOON_VECTOR_LOOP
        for (idx i = lo / 2; i < hi / 2; i++) {
            d[2 * i] = e0 * se[i] + e1 * se[i + 1];
            d[2 * i + 1] = o0 * so[i] + o1 * so[i + 1];
        }
        return;
    }
    // One phase.
    const float *b = s + off[0];
    if (width == 4) {
        const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
        TOON_VECTOR_LOOP
        for (idx j = lo; j < hi; j++) {
            float acc = 0;
            acc += w0 * b[j];
            acc += w1 * b[j + 1];
            acc += w2 * b[j + 2];
            acc += w3 * b[j + 3];
            d[j] = acc;
        }
    } else if (width == 1) {
        const float w0 = w[0];
        TOON_VECTOR_LOOP
        for (idx j = lo; j < hi; j++) d[j] = w0 * b[j];
    } else if (width == 2) {
        const float w0 = w[0], w1 = w[1];
        TOON_VECTOR_LOOP
        for (idx j = lo; j < hi; j++) d[j] = w0 * b[j] + w1 * b[j + 1];
    } else {
        TOON_VECTOR_LOOP
        for (idx j = lo; j < hi; j++) d[j] = 0;
        for (idx t = 0; t < width; t++) {
            const float wt = w[t];
            TOON_VECTOR_LOOP
            for (idx j = lo; j < hi; j++) d[j] += wt * b[j + t];
        }
    }
}

TOON_BODY void toon_axis_map_rows_regular_body(int isa, const float *restrict src, float *restrict dst, idx rows,
                                               idx in_size, idx out_size, const idx *restrict index,
                                               const float *restrict weight, idx width, int phases,
                                               const idx *restrict offsets, const float *restrict weights, idx lo,
                                               idx hi) {
    for (idx r = 0; r < rows; r++) {
        const float *s = src + r * in_size;
        float *d = dst + r * out_size;
        // The edges, where taps fall outside the input, as the general map does them.
        toon_axis_map_rows_body(isa, s, d, 1, in_size, lo, index, weight, width);
        toon_axis_map_regular_body(isa, s, d, phases, offsets, weights, width, lo, hi);
        toon_axis_map_rows_body(isa, s, d + hi, 1, in_size, out_size - hi, index + hi * width, weight + hi * width,
                                width);
    }
}
TOON_VARIANTS(toon_axis_map_rows_regular,
              (int isa, const float *src, float *dst, idx rows, idx in_size, idx out_size, const idx *index,
               const float *weight, idx width, int phases, const idx *offsets, const float *weights, idx lo, idx hi),
              (isa, src, dst, rows, in_size, out_size, index, weight, width, phases, offsets, weights, lo, hi))

TOON_BODY void toon_gather_row_body(int isa, const float *restrict src, idx step, float factor,
                                    float *restrict dst, idx n) {
    (void)isa;
    if (step == 1) {
        TOON_VECTOR_LOOP
        for (idx x = 0; x < n; x++) dst[x] = src[x] * factor;
    } else if (step == 2) {
        // A constant stride of 2 vectorizes as whole loads and a shuffle, not as a gather.
        TOON_VECTOR_LOOP
        for (idx x = 0; x < n; x++) dst[x] = src[2 * x] * factor;
    } else {
        TOON_SCALAR_LOOP
        for (idx x = 0; x < n; x++) dst[x] = src[x * step] * factor;
    }
}
TOON_VARIANTS(toon_gather_row, (int isa, const float *src, idx step, float factor, float *dst, idx n),
              (isa, src, step, factor, dst, n))

TOON_BODY void toon_gather_row_unscaled_body(int isa, const float *restrict src, idx step, float *restrict dst, idx n) {
    (void)isa;
    if (step == 2) {
        // The stride-2 layers' im2col rows: whole loads and a shuffle (see toon_gather_row).
        TOON_VECTOR_LOOP
        for (idx x = 0; x < n; x++) dst[x] = src[2 * x];
        return;
    }
    TOON_SCALAR_LOOP
    for (idx x = 0; x < n; x++) dst[x] = src[x * step];
}
TOON_VARIANTS(toon_gather_row_unscaled, (int isa, const float *src, idx step, float *dst, idx n),
              (isa, src, step, dst, n))
