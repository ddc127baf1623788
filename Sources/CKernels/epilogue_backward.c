// The backward passes of a convolution with StyleGAN2's epilogue and frozen weights (a projection's
// generator layers): the output gradient back through clamp, activation, gain, noise and the output
// scale in one pass, and the input side's channel scale with its reduction in another.
#include "variants.h"

// Sums are kept in 16 lanes, then added lane by lane: the same order on every instruction set.
#define LANES 16

TOON_BODY float lane_total(const float *part) {
    float total = 0;
    for (int l = 0; l < LANES; l++) total += part[l];
    return total;
}

// One run of an output plane. The pre-activation value is recovered from the output (gain > 0,
// and a zero slope only where the gradient is zero anyway), so the forward pass stores nothing else.
TOON_BODY float epilogue_backward_one(float g, float y, float scale, float noise, float noise_strength, float bias,
                                      float slope, float gain, float lo, float hi, float *gconv, float *gnoise,
                                      float *conv) {
    // Selects, not products with 0: a non-finite gradient where ReLU or the clamp cuts it off
    // becomes 0, as torch's threshold and clamp backward make it.
    float m = y > 0 ? 1.0f : slope;
    float gp = (y > lo && y < hi && m != 0) ? g * gain * m : 0.0f;
    *gconv = gp * scale;
    *gnoise = gp * noise_strength;
    float safe = m != 0 ? m : 1.0f;
    *conv = ((y / (gain * safe)) - noise * noise_strength - bias) / scale;
    return gp;
}

TOON_BODY void toon_epilogue_backward_body(int isa, const float *restrict g, const float *restrict y, idx n,
                                           float scale, const float *restrict noise, float noise_strength,
                                           float bias, float slope, float gain, float lo, float hi,
                                           float *restrict gconv, float *restrict gnoise_sum,
                                           float *restrict scale_grad) {
    (void)isa;
    float part[LANES] = {0};
    idx p = 0;
    for (; p + LANES <= n; p += LANES) {
        for (int l = 0; l < LANES; l++) {
            float gn, c, z = noise ? noise[p + l] : 0.0f;
            float gp = epilogue_backward_one(g[p + l], y[p + l], scale, z, noise_strength, bias, slope, gain, lo, hi,
                                             &gconv[p + l], &gn, &c);
            if (gnoise_sum) gnoise_sum[p + l] += gn;
            part[l] += gp * c;
        }
    }
    for (int l = 0; p < n; p++, l++) {
        float gn, c, z = noise ? noise[p] : 0.0f;
        float gp = epilogue_backward_one(g[p], y[p], scale, z, noise_strength, bias, slope, gain, lo, hi,
                                         &gconv[p], &gn, &c);
        if (gnoise_sum) gnoise_sum[p] += gn;
        part[l] += gp * c;
    }
    if (scale_grad) *scale_grad = lane_total(part);
}
TOON_VARIANTS(toon_epilogue_backward,
              (int isa, const float *g, const float *y, idx n, float scale, const float *noise, float noise_strength,
               float bias, float slope, float gain, float lo, float hi, float *gconv, float *gnoise_sum,
               float *scale_grad),
              (isa, g, y, n, scale, noise, noise_strength, bias, slope, gain, lo, hi, gconv, gnoise_sum, scale_grad))

TOON_BODY void toon_scale_backward_body(int isa, float *restrict gx, const float *restrict x, idx n, float scale,
                                        float *restrict scale_grad) {
    (void)isa;
    float part[LANES] = {0};
    idx p = 0;
    for (; p + LANES <= n; p += LANES) {
        for (int l = 0; l < LANES; l++) {
            part[l] += gx[p + l] * x[p + l];
            gx[p + l] *= scale;
        }
    }
    for (int l = 0; p < n; p++, l++) {
        part[l] += gx[p] * x[p];
        gx[p] *= scale;
    }
    if (scale_grad) *scale_grad = lane_total(part);
}
TOON_VARIANTS(toon_scale_backward, (int isa, float *gx, const float *x, idx n, float scale, float *scale_grad),
              (isa, gx, x, n, scale, scale_grad))
