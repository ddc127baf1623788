// JPEG encoding into a growable memory buffer through our own destination manager (libjpeg's
// jpeg_mem_dest would own the buffer, and lose it if encoding stops half way).
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#include "cimage_internal.h"

enum { chunk_size = 65536 };

typedef struct {
    struct jpeg_error_mgr base;       // first, so the libjpeg error pointer is also ours
    struct jpeg_destination_mgr destination;
    jmp_buf jump;
    toon_image_status status;
    char *message;
    size_t capacity;
    toon_image_buffer *buffer;
    JOCTET chunk[chunk_size];
} jpeg_writer;

static jpeg_writer *writer_of(j_compress_ptr cinfo) { return (jpeg_writer *)cinfo->err; }

static void jpeg_writer_error_exit(j_common_ptr cinfo) {
    jpeg_writer *writer = (jpeg_writer *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    toon_set_message(writer->message, writer->capacity, "%s", text);
    writer->status = TOON_IMAGE_CORRUPT;
    longjmp(writer->jump, 1);
}

static void jpeg_writer_output(j_common_ptr cinfo) { (void)cinfo; }

static void jpeg_writer_flush(jpeg_writer *writer, size_t count) {
    if (!toon_buffer_append(writer->buffer, writer->chunk, count)) {
        toon_set_message(writer->message, writer->capacity, "out of memory for the encoded JPEG");
        writer->status = TOON_IMAGE_NO_MEMORY;
        longjmp(writer->jump, 1);
    }
}

static void jpeg_writer_init(j_compress_ptr cinfo) {
    jpeg_writer *writer = writer_of(cinfo);
    writer->destination.next_output_byte = writer->chunk;
    writer->destination.free_in_buffer = chunk_size;
}

static boolean jpeg_writer_empty(j_compress_ptr cinfo) {
    jpeg_writer *writer = writer_of(cinfo);
    // libjpeg calls this only with the whole chunk full, whatever free_in_buffer says.
    jpeg_writer_flush(writer, chunk_size);
    writer->destination.next_output_byte = writer->chunk;
    writer->destination.free_in_buffer = chunk_size;
    return TRUE;
}

static void jpeg_writer_term(j_compress_ptr cinfo) {
    jpeg_writer *writer = writer_of(cinfo);
    jpeg_writer_flush(writer, chunk_size - writer->destination.free_in_buffer);
}

toon_image_status toon_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                                   uint32_t channels, int quality, toon_image_buffer *out,
                                   char *message, size_t message_capacity) {
    toon_set_message(message, message_capacity, "%s", "");
    if (pixels == NULL || out == NULL || (channels != 1 && channels != 3) || quality < 1 || quality > 100) {
        toon_set_message(message, message_capacity, "cannot write %u channels at quality %d as JPEG", channels, quality);
        return TOON_IMAGE_BAD_ARGUMENT;
    }
    toon_image_status status = toon_check_size(width, height, message, message_capacity);
    if (status != TOON_IMAGE_OK) return status;
    if (width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) {
        toon_set_message(message, message_capacity, "image too large for JPEG: %ux%u", width, height);
        return TOON_IMAGE_TOO_LARGE;
    }

    jpeg_writer *writer = calloc(1, sizeof *writer);
    if (writer == NULL) {
        toon_set_message(message, message_capacity, "out of memory");
        return TOON_IMAGE_NO_MEMORY;
    }
    writer->message = message;
    writer->capacity = message_capacity;
    writer->buffer = out;
    writer->destination.init_destination = jpeg_writer_init;
    writer->destination.empty_output_buffer = jpeg_writer_empty;
    writer->destination.term_destination = jpeg_writer_term;

    struct jpeg_compress_struct cinfo;
    cinfo.err = jpeg_std_error(&writer->base);
    writer->base.error_exit = jpeg_writer_error_exit;
    writer->base.output_message = jpeg_writer_output;

    if (setjmp(writer->jump) == 0) {
        jpeg_create_compress(&cinfo);
        cinfo.dest = &writer->destination;
        cinfo.image_width = width;
        cinfo.image_height = height;
        cinfo.input_components = (int)channels;
        cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
        jpeg_set_defaults(&cinfo);
        jpeg_set_quality(&cinfo, quality, TRUE);
        jpeg_start_compress(&cinfo, TRUE);
        size_t row_bytes = (size_t)width * channels;
        while (cinfo.next_scanline < cinfo.image_height) {
            // libjpeg's API takes mutable rows but only reads them.
            JSAMPROW row = (JSAMPROW)(pixels + row_bytes * cinfo.next_scanline);
            jpeg_write_scanlines(&cinfo, &row, 1);
        }
        jpeg_finish_compress(&cinfo);
        status = TOON_IMAGE_OK;
    } else {
        status = writer->status;
        toon_image_free_buffer(out);
    }
    jpeg_destroy_compress(&cinfo);
    free(writer);
    return status;
}
