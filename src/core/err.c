/*
 * err.c - words for the error codes.
 */
#include "err.h"

const char *err_str(int e)
{
	switch (e) {
	case ERR_OK: return "success";
	case ERR_NOMEM: return "out of memory";
	case ERR_NOTFOUND: return "not found";
	case ERR_CONFLICT: return "already exists";
	case ERR_INVALID: return "invalid input";
	case ERR_DB: return "database error";
	case ERR_IO: return "input/output error";
	case ERR_TOOBIG: return "too large";
	case ERR_BUSY: return "busy, try again";
	case ERR_STALE: return "changed by someone else";
	case ERR_UNSUPPORTED: return "not supported";
	}
	return "unknown error";
}
