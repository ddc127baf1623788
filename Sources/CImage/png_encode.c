// PNG encoding into a growable memory buffer; libpng errors longjmp back here.
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#include "cimage_internal.h"

typedef struct {
    jmp_buf jump;
    toon_image_buffer *buffer;
    int out_of_memory;
    char *message;
    size_t capacity;
    png_bytep *rows;
} png_writer;

static void png_writer_error(png_structp png, png_const_charp text) {
    png_writer *writer = png_get_error_ptr(png);
    if (!writer->out_of_memory) toon_set_message(writer->message, writer->capacity, "%s", text);
    longjmp(writer->jump, 1);
}

static void png_writer_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void png_writer_write(png_structp png, png_bytep bytes, size_t length) {
    png_writer *writer = png_get_io_ptr(png);
    if (!toon_buffer_append(writer->buffer, bytes, length)) {
        writer->out_of_memory = 1;
        toon_set_message(writer->message, writer->capacity, "out of memory for the encoded PNG");
        png_error(png, "out of memory");
    }
}

static void png_writer_flush(png_structp png) { (void)png; }

static void png_encode_guarded(png_structp png, png_infop info, png_writer *writer, const void *pixels,
                               uint32_t width, uint32_t height, uint32_t channels, uint32_t bit_depth) {
    static const int color_types[5] = {
        0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA,
    };
    png_set_write_fn(png, writer, png_writer_write, png_writer_flush);
    png_set_IHDR(png, info, width, height, (int)bit_depth, color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (bit_depth == 16) png_set_swap(png);
#endif
    size_t row_bytes = (size_t)width * channels * (bit_depth / 8);
    // libpng copies each row before transforming it, so the caller's const pixels stay untouched.
    for (uint32_t y = 0; y < height; y++) writer->rows[y] = (png_bytep)pixels + row_bytes * y;
    png_write_image(png, writer->rows);
    png_write_end(png, NULL);
}

toon_image_status toon_png_encode(const void *pixels, uint32_t width, uint32_t height,
                                  uint32_t channels, uint32_t bit_depth, toon_image_buffer *out,
                                  char *message, size_t message_capacity) {
    toon_set_message(message, message_capacity, "%s", "");
    if (pixels == NULL || out == NULL || channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16)) {
        toon_set_message(message, message_capacity, "cannot write %u channels of %u bits as PNG", channels, bit_depth);
        return TOON_IMAGE_BAD_ARGUMENT;
    }
    toon_image_status status = toon_check_size(width, height, message, message_capacity);
    if (status != TOON_IMAGE_OK) return status;

    png_writer writer;
    memset(&writer, 0, sizeof writer);
    writer.buffer = out;
    writer.message = message;
    writer.capacity = message_capacity;
    writer.rows = malloc(sizeof(png_bytep) * height);
    if (writer.rows == NULL) {
        toon_set_message(message, message_capacity, "out of memory");
        return TOON_IMAGE_NO_MEMORY;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer, png_writer_error, png_writer_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        free(writer.rows);
        toon_set_message(message, message_capacity, "cannot create a libpng writer");
        return TOON_IMAGE_NO_MEMORY;
    }

    if (setjmp(writer.jump) == 0) {
        png_encode_guarded(png, info, &writer, pixels, width, height, channels, bit_depth);
        status = TOON_IMAGE_OK;
    } else {
        status = writer.out_of_memory ? TOON_IMAGE_NO_MEMORY : TOON_IMAGE_CORRUPT;
        toon_image_free_buffer(out);
    }
    png_destroy_write_struct(&png, &info);
    free(writer.rows);
    return status;
}
