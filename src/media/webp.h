/*
 * webp.h - dropping metadata chunks from a WebP file.
 *
 * libvips 8.14's WebP saver writes an EXIF chunk (resolution, size) even
 * when told to strip; the newsroom stores photos without any metadata, so
 * the EXIF and XMP chunks are cut out after encoding.  Pure, bounded.
 */
#ifndef DATELINE_WEBP_H
#define DATELINE_WEBP_H

#include <stddef.h>

/*
 * Remove the "EXIF" and "XMP " chunks of the RIFF WebP file in @data
 * (@len bytes) in place, clear their flags in the VP8X header and fix the
 * RIFF size.  Returns the new length, or 0 when @data is not a well-formed
 * WebP file (every chunk inside it, none past the end).
 */
size_t webp_strip(unsigned char *data, size_t len);

#endif
