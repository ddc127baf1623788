// Winograd F(2x2, 3x3) input and output transforms (ToonCore's ConvWinograd calls these per row).
#include "variants.h"

TOON_BODY void toon_split_row_body(int isa, const float *restrict src, idx width, float factor, float *restrict even,
                                   float *restrict odd, idx padded) {
    (void)isa;
    // One pass over the pairs (src[2j], src[2j + 1]), then zeros where no input lands.
    const idx pairs = width / 2;
    even[0] = 0;
    TOON_VECTOR_LOOP
    for (idx j = 0; j < pairs; j++) {
        odd[j] = src[2 * j] * factor;
        even[j + 1] = src[2 * j + 1] * factor;
    }
    idx nextOdd = pairs, nextEven = pairs + 1;
    if (width % 2) odd[nextOdd++] = src[width - 1] * factor;
    for (idx j = nextOdd; j < padded; j++) odd[j] = 0;
    for (idx j = nextEven; j < padded; j++) even[j] = 0;
}
TOON_VARIANTS(toon_split_row, (int isa, const float *src, idx width, float factor, float *even, float *odd, idx padded),
              (isa, src, width, factor, even, odd, padded))

TOON_BODY void toon_winograd_rows_body(int isa, const float *restrict r0, const float *restrict r1,
                                       const float *restrict r2, const float *restrict r3, float *restrict t0,
                                       float *restrict t1, float *restrict t2, float *restrict t3, idx n) {
    (void)isa;
    TOON_VECTOR_LOOP
    for (idx p = 0; p < n; p++) {
        t0[p] = r0[p] - r2[p];
        t1[p] = r1[p] + r2[p];
        t2[p] = r2[p] - r1[p];
        t3[p] = r1[p] - r3[p];
    }
}
TOON_VARIANTS(toon_winograd_rows,
              (int isa, const float *r0, const float *r1, const float *r2, const float *r3, float *t0, float *t1,
               float *t2, float *t3, idx n),
              (isa, r0, r1, r2, r3, t0, t1, t2, t3, n))

TOON_BODY void toon_winograd_columns_body(int isa, const float *restrict e, const float *restrict o,
                                          float *restrict out0, float *restrict out1, float *restrict out2,
                                          float *restrict out3, idx tiles) {
    (void)isa;
    TOON_VECTOR_LOOP
    for (idx t = 0; t < tiles; t++) {
        float e0 = e[t], e1 = e[t + 1], o0 = o[t], o1 = o[t + 1];
        out0[t] = e0 - e1;
        out1[t] = o0 + e1;
        out2[t] = e1 - o0;
        out3[t] = o0 - o1;
    }
}
TOON_VARIANTS(toon_winograd_columns,
              (int isa, const float *even, const float *odd, float *out0, float *out1, float *out2, float *out3,
               idx tiles),
              (isa, even, odd, out0, out1, out2, out3, tiles))

TOON_BODY void toon_winograd_output_body(int isa, const float *restrict m, idx stride, float *restrict top,
                                         float *restrict bottom, idx tiles) {
    (void)isa;
    const float *m0 = m, *m1 = m + stride, *m2 = m + 2 * stride, *m3 = m + 3 * stride;
    const float *m4 = m + 4 * stride, *m5 = m + 5 * stride, *m6 = m + 6 * stride, *m7 = m + 7 * stride;
    const float *m8 = m + 8 * stride, *m9 = m + 9 * stride, *m10 = m + 10 * stride, *m11 = m + 11 * stride;
    const float *m12 = m + 12 * stride, *m13 = m + 13 * stride, *m14 = m + 14 * stride, *m15 = m + 15 * stride;
    TOON_VECTOR_LOOP
    for (idx t = 0; t < tiles; t++) {
        // Aᵀ m (Aᵀ = [1 1 1 0; 0 1 -1 -1]): the tile's two rows of four, then A over each row.
        float u0 = m0[t] + m4[t] + m8[t], v0 = m4[t] - m8[t] - m12[t];
        float u1 = m1[t] + m5[t] + m9[t], v1 = m5[t] - m9[t] - m13[t];
        float u2 = m2[t] + m6[t] + m10[t], v2 = m6[t] - m10[t] - m14[t];
        float u3 = m3[t] + m7[t] + m11[t], v3 = m7[t] - m11[t] - m15[t];
        top[2 * t] = u0 + u1 + u2;
        top[2 * t + 1] = u1 - u2 - u3;
        bottom[2 * t] = v0 + v1 + v2;
        bottom[2 * t + 1] = v1 - v2 - v3;
    }
}
TOON_VARIANTS(toon_winograd_output, (int isa, const float *m, idx stride, float *top, float *bottom, idx tiles),
              (isa, m, stride, top, bottom, tiles))
