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

TOON_BODY void toon_gather_row_body(int isa, const float *restrict src, idx step, float factor,
                                    float *restrict dst, idx n) {
    (void)isa;
    if (step == 1) {
        TOON_VECTOR_LOOP
        for (idx x = 0; x < n; x++) dst[x] = src[x] * factor;
    } else {
        TOON_SCALAR_LOOP
        for (idx x = 0; x < n; x++) dst[x] = src[x * step] * factor;
    }
}
TOON_VARIANTS(toon_gather_row, (int isa, const float *src, idx step, float factor, float *dst, idx n),
              (isa, src, step, factor, dst, n))

TOON_BODY void toon_gather_row_unscaled_body(int isa, const float *restrict src, idx step, float *restrict dst, idx n) {
    (void)isa;
    TOON_SCALAR_LOOP
    for (idx x = 0; x < n; x++) dst[x] = src[x * step];
}
TOON_VARIANTS(toon_gather_row_unscaled, (int isa, const float *src, idx step, float *dst, idx n),
              (isa, src, step, dst, n))
