// What StyleGAN2 does to a convolution's output, applied in place while the output is in cache.
#include "variants.h"

// max and min written as Swift's Swift.max / Swift.min are, so results match the Swift ops.
TOON_BODY float clamp_value(float z, float lo, float hi) {
    float above = lo >= z ? lo : z;
    return hi < above ? hi : above;
}

TOON_BODY void toon_epilogue_body(int isa, float *restrict plane, idx n, float scale, const float *restrict noise,
                                  float noise_strength, float bias, float slope, float gain, float lo, float hi) {
    (void)isa;
    if (noise) {
        TOON_VECTOR_LOOP
        for (idx p = 0; p < n; p++) {
            float z = plane[p] * scale + noise[p] * noise_strength + bias;
            plane[p] = clamp_value((z > 0 ? z : z * slope) * gain, lo, hi);
        }
    } else {
        TOON_VECTOR_LOOP
        for (idx p = 0; p < n; p++) {
            float z = plane[p] * scale + bias;
            plane[p] = clamp_value((z > 0 ? z : z * slope) * gain, lo, hi);
        }
    }
}
TOON_VARIANTS(toon_epilogue,
              (int isa, float *plane, idx n, float scale, const float *noise, float noise_strength, float bias,
               float slope, float gain, float lo, float hi),
              (isa, plane, n, scale, noise, noise_strength, bias, slope, gain, lo, hi))
