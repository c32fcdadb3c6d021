/*
 * Node-API binding of one libdeflate function: inflate a raw deflate stream from a byte range of one typed array
 * into the start of another, whole buffer to whole buffer, synchronously. What @douyin-live/core needs per frame
 * and nothing more: gzip framing, size limits and every fallback stay in JavaScript (see src/index.ts).
 *
 * Each Node environment (the main thread, every worker) gets its own decompressor: libdeflate's are not
 * thread-safe, so it lives in the environment's instance data, freed when that environment ends.
 */
#include <stddef.h>
#include <stdint.h>
#define NAPI_VERSION 8
#include <node_api.h>
#include <libdeflate.h>

#define ARGC 5

static void free_decompressor(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  libdeflate_free_decompressor((struct libdeflate_decompressor *)data);
}

/* The bytes of a Uint8Array (or Buffer) argument; false after throwing a TypeError. */
static int bytes_of(napi_env env, napi_value value, const char *name, uint8_t **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", name);
    return 0;
  }
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", name);
    return 0;
  }
  *data = (uint8_t *)raw;
  return 1;
}

/* A non-negative integer argument no larger than `max`; false after throwing a RangeError. */
static int index_of(napi_env env, napi_value value, const char *name, size_t max, size_t *out) {
  double d = -1;
  if (napi_get_value_double(env, value, &d) != napi_ok || !(d >= 0) || d > (double)max || d != (double)(size_t)d) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", name);
    return 0;
  }
  *out = (size_t)d;
  return 1;
}

/*
 * inflateRawInto(input, inOffset, inLength, output, outLength) -> number
 * Inflates input[inOffset, inOffset + inLength) into output[0, outLength). Returns the bytes written when the
 * deflate stream ended exactly at the end of that input range, -1 otherwise: corrupt or truncated data, more
 * output than outLength, or input left over after the stream's last block.
 */
static napi_value inflate_raw_into(napi_env env, napi_callback_info info) {
  size_t argc = ARGC;
  napi_value argv[ARGC];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < ARGC) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "inflateRawInto(input, inOffset, inLength, output, outLength)");
    return NULL;
  }
  uint8_t *in, *out;
  size_t in_size, out_size, in_offset, in_length, out_length;
  if (!bytes_of(env, argv[0], "input must be a Uint8Array", &in, &in_size)) return NULL;
  if (!index_of(env, argv[1], "inOffset is outside the input", in_size, &in_offset)) return NULL;
  if (!index_of(env, argv[2], "inLength runs past the input", in_size - in_offset, &in_length)) return NULL;
  if (!bytes_of(env, argv[3], "output must be a Uint8Array", &out, &out_size)) return NULL;
  if (!index_of(env, argv[4], "outLength is larger than the output", out_size, &out_length)) return NULL;

  struct libdeflate_decompressor *d = NULL;
  if (napi_get_instance_data(env, (void **)&d) != napi_ok || d == NULL) {
    napi_throw_error(env, "ERR_LIBDEFLATE", "no decompressor for this environment");
    return NULL;
  }
  size_t consumed = 0, produced = 0;
  enum libdeflate_result r =
      libdeflate_deflate_decompress_ex(d, in + in_offset, in_length, out, out_length, &consumed, &produced);
  double written = (r == LIBDEFLATE_SUCCESS && consumed == in_length) ? (double)produced : -1;
  napi_value result;
  if (napi_create_double(env, written, &result) != napi_ok) return NULL;
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (d == NULL) {
    napi_throw_error(env, "ERR_LIBDEFLATE", "libdeflate_alloc_decompressor failed");
    return NULL;
  }
  if (napi_set_instance_data(env, d, free_decompressor, NULL) != napi_ok) {
    libdeflate_free_decompressor(d);
    napi_throw_error(env, "ERR_LIBDEFLATE", "could not keep the decompressor");
    return NULL;
  }
  napi_value fn, version;
  if (napi_create_function(env, "inflateRawInto", NAPI_AUTO_LENGTH, inflate_raw_into, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "inflateRawInto", fn) != napi_ok ||
      napi_create_string_utf8(env, LIBDEFLATE_VERSION_STRING, NAPI_AUTO_LENGTH, &version) != napi_ok ||
      napi_set_named_property(env, exports, "libdeflateVersion", version) != napi_ok)
    return NULL;
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
