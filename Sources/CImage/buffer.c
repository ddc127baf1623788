#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimage_internal.h"

void toon_set_message(char *message, size_t capacity, const char *format, ...) {
    if (message == NULL || capacity == 0) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, capacity, format, arguments);
    va_end(arguments);
}

int toon_buffer_append(toon_image_buffer *buffer, const void *bytes, size_t count) {
    if (count == 0) return 1;
    if (buffer->count + count > buffer->capacity) {
        size_t capacity = buffer->capacity < 4096 ? 4096 : buffer->capacity;
        while (capacity < buffer->count + count) {
            if (capacity > SIZE_MAX / 2) return 0;
            capacity *= 2;
        }
        uint8_t *grown = realloc(buffer->bytes, capacity);
        if (grown == NULL) return 0;
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->count, bytes, count);
    buffer->count += count;
    return 1;
}

toon_image_status toon_check_size(uint32_t width, uint32_t height, char *message, size_t capacity) {
    if (width == 0 || height == 0) {
        toon_set_message(message, capacity, "image has no pixels: %ux%u", width, height);
        return TOON_IMAGE_CORRUPT;
    }
    if (width > TOON_IMAGE_MAX_SIDE || height > TOON_IMAGE_MAX_SIDE
        || (uint64_t)width * (uint64_t)height > TOON_IMAGE_MAX_PIXELS) {
        toon_set_message(message, capacity, "image too large: %ux%u", width, height);
        return TOON_IMAGE_TOO_LARGE;
    }
    return TOON_IMAGE_OK;
}

void toon_image_free_pixels(toon_decoded_image *image) {
    if (image == NULL) return;
    free(image->pixels);
    image->pixels = NULL;
}

void toon_image_free_buffer(toon_image_buffer *buffer) {
    if (buffer == NULL) return;
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->count = 0;
    buffer->capacity = 0;
}

toon_image_status toon_finish_decode(toon_image_status status, uint8_t *pixels, toon_decoded_image *out) {
    if (status == TOON_IMAGE_OK) {
        out->pixels = pixels;
        return status;
    }
    free(pixels);
    uint32_t width = out->width, height = out->height;
    memset(out, 0, sizeof *out);
    if (status == TOON_IMAGE_TOO_LARGE) {
        out->width = width;
        out->height = height;
    }
    return status;
}
