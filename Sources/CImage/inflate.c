// Raw deflate (zip method 8) from memory into a buffer of the size the zip declares.
#include <string.h>
#include <zlib.h>

#include "CImage.h"
#include "cimage_internal.h"

toon_image_status toon_inflate_raw(const uint8_t *data, size_t count, uint8_t *out, size_t out_count,
                                   char *message, size_t message_capacity) {
    toon_set_message(message, message_capacity, "%s", "");
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
        toon_set_message(message, message_capacity, "cannot start inflating");
        return TOON_IMAGE_NO_MEMORY;
    }
    // zlib counts in uInt; feed and drain in pieces so sizes over 4 GiB cannot wrap.
    const size_t piece = 1u << 30;
    size_t in_left = count, out_left = out_count;
    stream.next_in = (Bytef *)data;
    uint8_t spare = 0;   // zlib refuses a null output pointer even for an empty entry
    stream.next_out = out != NULL ? out : &spare;
    int result = Z_OK;
    while (result == Z_OK) {
        if (stream.avail_in == 0 && in_left > 0) {
            stream.avail_in = (uInt)(in_left < piece ? in_left : piece);
            in_left -= stream.avail_in;
        }
        if (stream.avail_out == 0 && out_left > 0) {
            stream.avail_out = (uInt)(out_left < piece ? out_left : piece);
            out_left -= stream.avail_out;
        }
        result = inflate(&stream, Z_NO_FLUSH);
        if (result == Z_BUF_ERROR && stream.avail_in == 0 && in_left == 0) break;   // input ran out
        if (result == Z_BUF_ERROR && stream.avail_out == 0 && out_left == 0) break; // output is full
        if (result == Z_BUF_ERROR) result = Z_OK;
    }
    size_t produced = (size_t)stream.total_out;
    const char *reason = stream.msg != NULL ? stream.msg : "zlib error";
    inflateEnd(&stream);
    if (result == Z_STREAM_END && produced == out_count) return TOON_IMAGE_OK;
    if (result == Z_STREAM_END) {
        toon_set_message(message, message_capacity, "inflates to %zu bytes, not the %zu the zip declares", produced, out_count);
        return TOON_IMAGE_CORRUPT;
    }
    if (result == Z_BUF_ERROR && produced == out_count) {
        toon_set_message(message, message_capacity, "inflates to more than the %zu bytes the zip declares", out_count);
        return TOON_IMAGE_CORRUPT;
    }
    if (result == Z_BUF_ERROR) {
        toon_set_message(message, message_capacity, "compressed data ends early");
        return TOON_IMAGE_TRUNCATED;
    }
    toon_set_message(message, message_capacity, "bad deflate data (%s)", reason);
    return TOON_IMAGE_CORRUPT;
}
