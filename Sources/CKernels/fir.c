// The separable FIR filter's two passes (ToonCore's filtered2d): along a row, then down columns.
#include "variants.h"

TOON_BODY void toon_fir_row_body(int isa, const float *restrict row, const float *restrict taps, int k,
                                 float *restrict d, idx n) {
    (void)isa;
    if (k == 4) {
        const float f0 = taps[0], f1 = taps[1], f2 = taps[2], f3 = taps[3];
        TOON_VECTOR_LOOP
        for (idx x = 0; x < n; x++) d[x] = f0 * row[x] + f1 * row[x + 1] + f2 * row[x + 2] + f3 * row[x + 3];
        return;
    }
    // Other tap counts (not StyleGAN's) stay scalar: the inner loop keeps clang from vectorizing.
    for (idx x = 0; x < n; x++) {
        float acc = 0;
        for (int t = 0; t < k; t++) acc += taps[t] * row[x + t];
        d[x] = acc;
    }
}
TOON_VARIANTS(toon_fir_row, (int isa, const float *row, const float *taps, int k, float *d, idx n),
              (isa, row, taps, k, d, n))

TOON_BODY void toon_fir_column_body(int isa, const float *restrict s, idx stride, const float *restrict taps, int k,
                                    float *restrict d, idx n) {
    (void)isa;
    if (k == 4) {
        const float f0 = taps[0], f1 = taps[1], f2 = taps[2], f3 = taps[3];
        const float *s1 = s + stride, *s2 = s + 2 * stride, *s3 = s + 3 * stride;
        TOON_VECTOR_LOOP
        for (idx x = 0; x < n; x++) d[x] = f0 * s[x] + f1 * s1[x] + f2 * s2[x] + f3 * s3[x];
        return;
    }
    for (idx x = 0; x < n; x++) {
        float acc = 0;
        for (int t = 0; t < k; t++) acc += taps[t] * s[t * stride + x];
        d[x] = acc;
    }
}
TOON_VARIANTS(toon_fir_column, (int isa, const float *s, idx stride, const float *taps, int k, float *d, idx n),
              (isa, s, stride, taps, k, d, n))
