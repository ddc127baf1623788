// Helpers shared by the codec files; not part of the public header.
#ifndef TOON_CIMAGE_INTERNAL_H
#define TOON_CIMAGE_INTERNAL_H

#include "CImage.h"

/// Writes a formatted message into the caller's buffer, always NUL-terminated, never overflowing.
void toon_set_message(char *message, size_t capacity, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/// Appends bytes, growing geometrically; returns 0 when memory runs out.
int toon_buffer_append(toon_image_buffer *buffer, const void *bytes, size_t count);

/// Checks a header's declared size before anything is allocated for it.
toon_image_status toon_check_size(uint32_t width, uint32_t height, char *message, size_t capacity);

/// Hands the decoded pixels to `out` on success; on failure frees them and clears `out`, keeping
/// only the declared size when that size was the problem (the error message names it).
toon_image_status toon_finish_decode(toon_image_status status, uint8_t *pixels, toon_decoded_image *out);

#endif
