// PNG decoding from memory. libpng's error callback longjmps back to png_decode_guarded's caller,
// so everything that must be released after an error lives in the reader struct, not in locals.
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#include "cimage_internal.h"

typedef struct {
    jmp_buf jump;
    const uint8_t *data;
    size_t count;
    size_t position;
    int ran_out;        // set when libpng asked for bytes past the end: the file is truncated
    char *message;
    size_t capacity;
    void *pixels;
    png_bytep *rows;
} png_reader;

static void png_reader_error(png_structp png, png_const_charp text) {
    png_reader *reader = png_get_error_ptr(png);
    if (!reader->ran_out) toon_set_message(reader->message, reader->capacity, "%s", text);
    longjmp(reader->jump, 1);
}

// Warnings (bad ancillary CRCs, unknown profiles) do not stop decoding and must not be printed.
static void png_reader_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void png_reader_read(png_structp png, png_bytep destination, size_t length) {
    png_reader *reader = png_get_io_ptr(png);
    if (length > reader->count - reader->position) {
        reader->ran_out = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(destination, reader->data + reader->position, length);
    reader->position += length;
}

static uint32_t read_big_endian_32(const uint8_t *bytes) {
    return ((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) | ((uint32_t)bytes[2] << 8) | bytes[3];
}

// Runs the libpng calls; returns through the jump buffer on any libpng error.
static toon_image_status png_decode_guarded(png_structp png, png_infop info, png_reader *reader,
                                            toon_decoded_image *out) {
    png_set_read_fn(png, reader, png_reader_read);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    out->width = width;
    out->height = height;
    toon_image_status status = toon_check_size(width, height, reader->message, reader->capacity);
    if (status != TOON_IMAGE_OK) return status;
    out->source_bit_depth = (uint32_t)bit_depth;

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (bit_depth == 16) png_set_swap(png);
#endif
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    uint32_t channels = png_get_channels(png, info);
    uint32_t depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (channels < 1 || channels > 4 || (depth != 8 && depth != 16)
        || row_bytes != (size_t)width * channels * (depth / 8)) {
        toon_set_message(reader->message, reader->capacity,
                         "unexpected layout after expansion: %u channels of %u bits", channels, depth);
        return TOON_IMAGE_UNSUPPORTED;
    }

    reader->pixels = malloc(row_bytes * height);
    reader->rows = malloc(sizeof(png_bytep) * height);
    if (reader->pixels == NULL || reader->rows == NULL) {
        toon_set_message(reader->message, reader->capacity, "out of memory for %ux%u pixels", width, height);
        return TOON_IMAGE_NO_MEMORY;
    }
    for (uint32_t y = 0; y < height; y++) reader->rows[y] = (png_bytep)reader->pixels + row_bytes * y;
    png_read_image(png, reader->rows);
    // Reading through IEND is what tells a complete file from one cut after its last row.
    png_read_end(png, NULL);

    out->channels = channels;
    out->bit_depth = depth;
    return TOON_IMAGE_OK;
}

toon_image_status toon_png_decode(const uint8_t *data, size_t count, toon_decoded_image *out,
                                  char *message, size_t message_capacity) {
    memset(out, 0, sizeof *out);
    toon_set_message(message, message_capacity, "%s", "");
    if (count < 8 || png_sig_cmp(data, 0, 8) != 0) {
        if (count < 8 && count > 0 && png_sig_cmp(data, 0, count) == 0) {
            toon_set_message(message, message_capacity, "unexpected end of data");
            return TOON_IMAGE_TRUNCATED;
        }
        toon_set_message(message, message_capacity, "not a PNG signature");
        return TOON_IMAGE_CORRUPT;
    }
    // The size check happens on the raw IHDR too, before libpng validates anything, so a header
    // declaring a huge image is reported as too large rather than as whatever libpng says first.
    if (count >= 24 && memcmp(data + 12, "IHDR", 4) == 0) {
        uint32_t width = read_big_endian_32(data + 16), height = read_big_endian_32(data + 20);
        toon_image_status status = toon_check_size(width, height, message, message_capacity);
        if (status == TOON_IMAGE_TOO_LARGE) {
            out->width = width;
            out->height = height;
            return status;
        }
    }

    png_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.data = data;
    reader.count = count;
    reader.message = message;
    reader.capacity = message_capacity;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, png_reader_error, png_reader_warning);
    if (png == NULL) {
        toon_set_message(message, message_capacity, "cannot create a libpng reader");
        return TOON_IMAGE_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        toon_set_message(message, message_capacity, "cannot create a libpng reader");
        return TOON_IMAGE_NO_MEMORY;
    }

    toon_image_status status;
    if (setjmp(reader.jump) == 0) {
        status = png_decode_guarded(png, info, &reader, out);
    } else {
        status = reader.ran_out ? TOON_IMAGE_TRUNCATED : TOON_IMAGE_CORRUPT;
        if (reader.ran_out) toon_set_message(message, message_capacity, "unexpected end of data");
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(reader.rows);
    return toon_finish_decode(status, reader.pixels, out);
}
