// Winograd F(2, 2) transforms of stride-2 transposed 3x3 convolutions (ToonCore's ConvWinogradUp):
// each output phase (row parity, column parity) is a small correlation of the input; the 25
// transformed values per tile feed the phases' GEMMs, and their products are summed back here.
#include "variants.h"

TOON_BODY void toon_winograd_up_input_body(int isa, const float *restrict e, const float *restrict o, idx padded,
                                           float *const *slots, idx tiles) {
    (void)isa;
    const idx step = 2 * padded;
    float *restrict s0 = slots[0], *restrict s1 = slots[1], *restrict s2 = slots[2], *restrict s3 = slots[3];
    float *restrict s4 = slots[4], *restrict s5 = slots[5], *restrict s6 = slots[6], *restrict s7 = slots[7];
    float *restrict s8 = slots[8], *restrict s9 = slots[9], *restrict s10 = slots[10], *restrict s11 = slots[11];
    float *restrict s12 = slots[12], *restrict s13 = slots[13], *restrict s14 = slots[14];
    float *restrict s15 = slots[15], *restrict s16 = slots[16], *restrict s17 = slots[17];
    float *restrict s18 = slots[18], *restrict s19 = slots[19], *restrict s20 = slots[20];
    float *restrict s21 = slots[21], *restrict s22 = slots[22], *restrict s23 = slots[23], *restrict s24 = slots[24];
    TOON_VECTOR_LOOP
    for (idx t = 0; t < tiles; t++) {
        // Columns c0 = even[t], c1 = odd[t], c2 = even[t + 1] of rows r0, r1, r2.
        float e0 = e[t], e1 = e[step + t], e2 = e[2 * step + t];
        float n0 = e[t + 1], n1 = e[step + t + 1], n2 = e[2 * step + t + 1];
        float o0 = o[t], o1 = o[step + t], o2 = o[2 * step + t];
        // Phase (0,0): Bᵀ over rows (r0 - r1, r1, r2 - r1), then over columns (c0 - c1, c1, c2 - c1).
        float a0 = e0 - e1, a2 = e2 - e1;
        float b0 = o0 - o1, b2 = o2 - o1;
        float d0 = n0 - n1, d2 = n2 - n1;
        s0[t] = a0 - b0; s1[t] = b0; s2[t] = d0 - b0;
        s3[t] = e1 - o1; s4[t] = o1; s5[t] = n1 - o1;
        s6[t] = a2 - b2; s7[t] = b2; s8[t] = d2 - b2;
        // Phase (0,1): the row transform at c1, c2.
        s9[t] = b0; s10[t] = d0; s11[t] = o1; s12[t] = n1; s13[t] = b2; s14[t] = d2;
        // Phase (1,0): the column transform of r1, r2.
        s15[t] = e1 - o1; s16[t] = e2 - o2; s17[t] = o1; s18[t] = o2; s19[t] = n1 - o1; s20[t] = n2 - o2;
        // Phase (1,1): r1, r2 at c1, c2.
        s21[t] = o1; s22[t] = n1; s23[t] = o2; s24[t] = n2;
    }
}
TOON_VARIANTS(toon_winograd_up_input, (int isa, const float *even, const float *odd, idx padded, float *const *slots, idx tiles),
              (isa, even, odd, padded, slots, tiles))

// Row r of tile t's 4x4 output block: four values (Aᵀ m A for phase (0,0), Aᵀ along y for (0,1),
// along x for (1,0); Aᵀ = [1 1 0; 0 1 1]). Rows 0 and 2 come from the even output rows' phases,
// rows 1 and 3 from the odd ones.
TOON_BODY void up_block_row(const float *const *slots, idx t, int r, float out[4]) {
#define M(s) slots[s][t]
    switch (r) {
    case 0:
        out[0] = (M(0) + M(3)) + (M(1) + M(4)); out[1] = M(9) + M(11);
        out[2] = (M(1) + M(4)) + (M(2) + M(5)); out[3] = M(10) + M(12);
        break;
    case 1:
        out[0] = M(15) + M(17); out[1] = M(21); out[2] = M(17) + M(19); out[3] = M(22);
        break;
    case 2:
        out[0] = (M(3) + M(6)) + (M(4) + M(7)); out[1] = M(11) + M(13);
        out[2] = (M(4) + M(7)) + (M(5) + M(8)); out[3] = M(12) + M(14);
        break;
    default:
        out[0] = M(16) + M(18); out[1] = M(23); out[2] = M(18) + M(20); out[3] = M(24);
        break;
    }
#undef M
}

TOON_BODY void toon_winograd_up_output_body(int isa, const float *const *slots, int rows, float *dst, idx out_width,
                                            idx tiles) {
    (void)isa;
    // Local copies of the slot pointers, so the loops keep them in registers.
    const float *p[25];
    for (int s = 0; s < 25; s++) p[s] = slots[s];
    const idx whole = out_width / 4 < tiles ? out_width / 4 : tiles;
    for (int r = 0; r < rows; r++) {
        float *restrict d = dst + r * out_width;
        // Separate loops per row keep each one a plain vectorisable stream of 4-float groups.
        switch (r) {
        case 0:
            TOON_VECTOR_LOOP
            for (idx t = 0; t < whole; t++) {
                float v[4]; up_block_row(p, t, 0, v);
                d[4 * t] = v[0]; d[4 * t + 1] = v[1]; d[4 * t + 2] = v[2]; d[4 * t + 3] = v[3];
            }
            break;
        case 1:
            TOON_VECTOR_LOOP
            for (idx t = 0; t < whole; t++) {
                float v[4]; up_block_row(p, t, 1, v);
                d[4 * t] = v[0]; d[4 * t + 1] = v[1]; d[4 * t + 2] = v[2]; d[4 * t + 3] = v[3];
            }
            break;
        case 2:
            TOON_VECTOR_LOOP
            for (idx t = 0; t < whole; t++) {
                float v[4]; up_block_row(p, t, 2, v);
                d[4 * t] = v[0]; d[4 * t + 1] = v[1]; d[4 * t + 2] = v[2]; d[4 * t + 3] = v[3];
            }
            break;
        default:
            TOON_VECTOR_LOOP
            for (idx t = 0; t < whole; t++) {
                float v[4]; up_block_row(p, t, 3, v);
                d[4 * t] = v[0]; d[4 * t + 1] = v[1]; d[4 * t + 2] = v[2]; d[4 * t + 3] = v[3];
            }
            break;
        }
        // A last tile cut off by the output's edge.
        for (idx t = whole; t < tiles; t++) {
            float v[4]; up_block_row(p, t, r, v);
            for (idx c = 0; c < 4 && 4 * t + c < out_width; c++) d[4 * t + c] = v[c];
        }
    }
}
TOON_VARIANTS(toon_winograd_up_output, (int isa, const float *const *slots, int rows, float *dst, idx out_width, idx tiles),
              (isa, slots, rows, dst, out_width, tiles))
