/*
 * banned.h - C library functions this project does not use, made compile
 * errors (git's banned.h, same names and reasons).
 *
 * The build includes this file before every source file (-include in
 * meson.build), so a banned call fails to compile with an error naming
 * "sorry_<name>_is_a_banned_function".  Use instead:
 *   strcpy, strcat, strncpy, strncat  memcpy with a known length, snprintf,
 *                                     or a struct buf (core/buf.h)
 *   sprintf, vsprintf                 snprintf, vsnprintf, buf_printf(),
 *                                     arena_printf()
 *   strtok, strtok_r                  strcspn/strspn over a slice
 *   gets                              fgets, getline
 *   gmtime, localtime, ctime,         gmtime_r, localtime_r, time_http()
 *   asctime (and _r forms)            (core/timeutil.h)
 *
 * Why: no bound on the destination (strcpy, strcat, sprintf, gets), a
 * bound that silently truncates or leaves no NUL (strncpy, strncat),
 * hidden static state shared between threads (strtok, gmtime, localtime,
 * ctime, asctime), or both.
 *
 * The system headers that declare these are included first, so that their
 * own declarations are read before the macros exist; a later #include of
 * them in a source file is then a no-op.
 */
#ifndef DATELINE_BANNED_H
#define DATELINE_BANNED_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) BANNED(strtok_r)

#undef sprintf
#undef vsprintf
#define sprintf(...) BANNED(sprintf)
#define vsprintf(...) BANNED(vsprintf)

#undef gets
#define gets(x) BANNED(gets)

#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef ctime_r
#define ctime_r(t, buf) BANNED(ctime_r)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef asctime_r
#define asctime_r(t, buf) BANNED(asctime_r)

#endif
