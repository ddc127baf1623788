// A small C layer over libpng and libjpeg-turbo for ToonIO.
//
// Both libraries report errors by longjmp, which Swift cannot catch, so every setjmp lives in this
// target. Functions here never abort, exit or print: they return a status code and write a one-line
// message into a caller-supplied buffer. Decoding reads from memory (Swift reads the file); encoding
// fills a growable memory buffer (Swift writes it atomically).
#ifndef TOON_CIMAGE_H
#define TOON_CIMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of a decode or encode call.
typedef enum {
    TOON_IMAGE_OK = 0,
    TOON_IMAGE_TRUNCATED = 1,   ///< the data ended before the image did
    TOON_IMAGE_CORRUPT = 2,     ///< the library rejected the data; the message says why
    TOON_IMAGE_TOO_LARGE = 3,   ///< the header declares more pixels than we accept; width/height are set
    TOON_IMAGE_UNSUPPORTED = 4, ///< valid but not a layout we handle (e.g. JPEG with 2 components)
    TOON_IMAGE_NO_MEMORY = 5,
    TOON_IMAGE_BAD_ARGUMENT = 6 ///< the caller passed an impossible layout (a bug on the Swift side)
} toon_image_status;

/// Largest width or height accepted, and largest pixel count (2^28), checked before allocating.
#define TOON_IMAGE_MAX_SIDE 65535u
#define TOON_IMAGE_MAX_PIXELS (1u << 28)

/// Decoded pixels: interleaved rows, `channels` samples per pixel (1 gray, 2 gray+alpha, 3 RGB,
/// 4 RGBA); 8-bit samples are uint8_t, 16-bit samples are native-endian uint16_t.
typedef struct {
    void *pixels;          ///< malloc'd; release with toon_image_free_pixels
    uint32_t width;
    uint32_t height;
    uint32_t channels;
    uint32_t bit_depth;    ///< 8 or 16: the depth of `pixels`
    uint32_t source_bit_depth; ///< the depth the file declared (1, 2, 4, 8 or 16)
} toon_decoded_image;

/// An encoded file in memory.
typedef struct {
    uint8_t *bytes;        ///< malloc'd; release with toon_image_free_buffer
    size_t count;
    size_t capacity;
} toon_image_buffer;

/// Decodes a PNG held in memory. On failure `out->pixels` is NULL and `message` holds the reason.
toon_image_status toon_png_decode(const uint8_t *data, size_t count, toon_decoded_image *out,
                                  char *message, size_t message_capacity);

/// Decodes a baseline or progressive 8-bit JPEG (gray or colour) held in memory.
toon_image_status toon_jpeg_decode(const uint8_t *data, size_t count, toon_decoded_image *out,
                                   char *message, size_t message_capacity);

/// Encodes interleaved samples (uint8_t for bit_depth 8, native-endian uint16_t for 16) as PNG.
toon_image_status toon_png_encode(const void *pixels, uint32_t width, uint32_t height,
                                  uint32_t channels, uint32_t bit_depth, toon_image_buffer *out,
                                  char *message, size_t message_capacity);

/// Encodes interleaved 8-bit gray (1 channel) or RGB (3 channels) as JPEG; quality is 1...100.
toon_image_status toon_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                                   uint32_t channels, int quality, toon_image_buffer *out,
                                   char *message, size_t message_capacity);

/// Inflates raw deflate data (zip method 8) into `out`, which must be exactly `out_count` bytes:
/// TOON_IMAGE_OK only when the stream ends there; CORRUPT when it is longer, shorter or damaged,
/// TRUNCATED when the data ends first.
toon_image_status toon_inflate_raw(const uint8_t *data, size_t count, uint8_t *out, size_t out_count,
                                   char *message, size_t message_capacity);

void toon_image_free_pixels(toon_decoded_image *image);
void toon_image_free_buffer(toon_image_buffer *buffer);

#ifdef __cplusplus
}
#endif

#endif
