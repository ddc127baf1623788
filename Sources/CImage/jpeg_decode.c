// JPEG decoding from memory. libjpeg's error_exit must not return, so it longjmps back here.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

#include "cimage_internal.h"

typedef struct {
    struct jpeg_error_mgr base;   // first, so the libjpeg error pointer is also ours
    jmp_buf jump;
    toon_image_status status;
    char *message;
    size_t capacity;
    uint8_t *pixels;
} jpeg_reader;

static void jpeg_reader_fail(j_common_ptr cinfo, toon_image_status status) {
    jpeg_reader *reader = (jpeg_reader *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    toon_set_message(reader->message, reader->capacity, "%s", text);
    reader->status = status;
    longjmp(reader->jump, 1);
}

static void jpeg_reader_error_exit(j_common_ptr cinfo) { jpeg_reader_fail(cinfo, TOON_IMAGE_CORRUPT); }

// libjpeg only warns about damaged entropy data and fills the rest with grey; a damaged or cut
// file must be an error for us, so those warnings end decoding. Harmless warnings are ignored.
static void jpeg_reader_emit(j_common_ptr cinfo, int level) {
    if (level >= 0) return;   // trace messages
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
        jpeg_reader_fail(cinfo, TOON_IMAGE_TRUNCATED);
        break;
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL:
        jpeg_reader_fail(cinfo, TOON_IMAGE_CORRUPT);
        break;
    default:
        break;
    }
}

static void jpeg_reader_output(j_common_ptr cinfo) { (void)cinfo; }

static toon_image_status jpeg_decode_guarded(struct jpeg_decompress_struct *cinfo, jpeg_reader *reader,
                                             const uint8_t *data, size_t count, toon_decoded_image *out) {
    jpeg_mem_src(cinfo, (unsigned char *)data, (unsigned long)count);
    jpeg_read_header(cinfo, TRUE);
    out->width = cinfo->image_width;
    out->height = cinfo->image_height;
    toon_image_status status = toon_check_size(cinfo->image_width, cinfo->image_height,
                                               reader->message, reader->capacity);
    if (status != TOON_IMAGE_OK) return status;

    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        // libjpeg turns YCCK into CMYK; the ink is converted to RGB below, without a colour profile.
        cinfo->out_color_space = JCS_CMYK;
        break;
    default:
        toon_set_message(reader->message, reader->capacity, "JPEG colour space %d with %d components is not supported",
                         (int)cinfo->jpeg_color_space, cinfo->num_components);
        return TOON_IMAGE_UNSUPPORTED;
    }
    jpeg_start_decompress(cinfo);

    int cmyk = cinfo->out_color_space == JCS_CMYK;
    if (cmyk && cinfo->output_components != 4) {
        toon_set_message(reader->message, reader->capacity, "CMYK JPEG with %d components", cinfo->output_components);
        return TOON_IMAGE_UNSUPPORTED;
    }
    uint32_t channels = cmyk ? 3 : (uint32_t)cinfo->output_components;
    size_t row_bytes = (size_t)cinfo->output_width * channels;
    // One extra CMYK row at the end of the buffer to decode into before converting in place.
    size_t extra = cmyk ? (size_t)cinfo->output_width * 4 : 0;
    reader->pixels = malloc(row_bytes * cinfo->output_height + extra);
    if (reader->pixels == NULL) {
        toon_set_message(reader->message, reader->capacity, "out of memory for %ux%u pixels",
                         cinfo->output_width, cinfo->output_height);
        return TOON_IMAGE_NO_MEMORY;
    }
    // Photoshop (and most tools after it) writes CMYK JPEGs with an Adobe marker and every
    // sample inverted (255 = no ink); without the marker the samples are the ink itself.
    int inverted = cinfo->saw_Adobe_marker;
    uint8_t *ink = reader->pixels + row_bytes * cinfo->output_height;
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = reader->pixels + row_bytes * cinfo->output_scanline;
        if (!cmyk) {
            jpeg_read_scanlines(cinfo, &row, 1);
            continue;
        }
        JSAMPROW source = ink;
        jpeg_read_scanlines(cinfo, &source, 1);
        for (uint32_t x = 0; x < cinfo->output_width; x++) {
            const uint8_t *p = ink + 4 * (size_t)x;
            unsigned k = inverted ? p[3] : 255u - p[3];
            for (int c = 0; c < 3; c++) {
                unsigned paper = inverted ? p[c] : 255u - p[c];
                row[3 * (size_t)x + c] = (uint8_t)((paper * k + 127u) / 255u);
            }
        }
    }
    // Reading to EOI is what tells a complete file from one cut after its last scan.
    jpeg_finish_decompress(cinfo);

    out->width = cinfo->output_width;
    out->height = cinfo->output_height;
    out->channels = channels;
    out->bit_depth = 8;
    out->source_bit_depth = 8;
    return TOON_IMAGE_OK;
}

toon_image_status toon_jpeg_decode(const uint8_t *data, size_t count, toon_decoded_image *out,
                                   char *message, size_t message_capacity) {
    memset(out, 0, sizeof *out);
    toon_set_message(message, message_capacity, "%s", "");
    if (data == NULL || count == 0) {
        toon_set_message(message, message_capacity, "empty data");
        return TOON_IMAGE_TRUNCATED;
    }
    struct jpeg_decompress_struct cinfo;
    jpeg_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.message = message;
    reader.capacity = message_capacity;
    cinfo.err = jpeg_std_error(&reader.base);
    reader.base.error_exit = jpeg_reader_error_exit;
    reader.base.emit_message = jpeg_reader_emit;
    reader.base.output_message = jpeg_reader_output;

    toon_image_status status;
    if (setjmp(reader.jump) == 0) {
        jpeg_create_decompress(&cinfo);
        status = jpeg_decode_guarded(&cinfo, &reader, data, count, out);
    } else {
        status = reader.status;
    }
    jpeg_destroy_decompress(&cinfo);
    return toon_finish_decode(status, reader.pixels, out);
}
