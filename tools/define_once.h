/* define_once.h - the int8 header printers' output stage (tools/quantize_model.c,
   tools/quantize_seq2seq.c): their header is printed with hdr_printf into a
   temporary file, then define_once() writes it to stdout as a header whose
   data are defined once however many files include it, as tools/export.py's
   define_once() does for the float headers:

     #ifndef NAME_MODEL_S8_H ... the macros, `extern const` declarations ... #endif
     #if defined(NAME_MODEL_S8_IMPLEMENTATION) && !defined(NAME_MODEL_S8_DEFINED)
     ... the definitions (const: in flash) ...
     #endif

   hdr_size() / hdr_sizes() print the float header's size macros for an int8
   header that may be included without it (an ATTN_NO_FLOAT build), checked
   against the float header's when both are included. Tools only: uses stdio
   and malloc. */
#ifndef DEFINE_ONCE_H
#define DEFINE_ONCE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *g_hdr; /* the header as printed */

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void hdr_printf(const char *fmt, ...)
{
    va_list ap;
    if (!g_hdr) g_hdr = tmpfile();
    if (!g_hdr) {
        (void)fprintf(stderr, "define_once: no temporary file\n");
        exit(1);
    }
    va_start(ap, fmt);
    (void)vfprintf(g_hdr, fmt, ap);
    va_end(ap);
}

/* ---- the size macros of an int8 header that may stand alone -------------- */

enum { HDR_MAX_SIZES = 32 };
static struct {
    char key[32];
    long value;
} g_sizes[HDR_MAX_SIZES];
static int g_n_sizes;

static void hdr_size(const char *key, long value)
{
    if (g_n_sizes == HDR_MAX_SIZES || strlen(key) >= sizeof g_sizes[0].key) {
        (void)fprintf(stderr, "define_once: too many sizes\n");
        exit(1);
    }
    (void)strcpy(g_sizes[g_n_sizes].key, key);
    g_sizes[g_n_sizes++].value = value;
}

/* The collected sizes as macros (without NAME_model.h, e.g. in an
   ATTN_NO_FLOAT build), then one check that they are NAME_model.h's. */
static void hdr_sizes(const char *up, const char *name)
{
    int k;
    size_t col = 4;
    hdr_printf("/* the model's sizes, as %s_model.h has them (this header can be included\n"
               "   without it, e.g. in an int8-only firmware built with ATTN_NO_FLOAT) */\n"
               "#ifndef %s_MODEL_H\n", name, up);
    for (k = 0; k < g_n_sizes; k++)
        hdr_printf("#define %s_%s %ld\n", up, g_sizes[k].key, g_sizes[k].value);
    hdr_printf("#endif\n#if");
    for (k = 0; k < g_n_sizes; k++) {
        char piece[160];
        (void)snprintf(piece, sizeof piece, " %s%.60s_%.30s != %ld", k ? "|| " : "", up,
                       g_sizes[k].key, g_sizes[k].value);
        if (col + strlen(piece) > 96) {
            hdr_printf(" \\\n   ");
            col = 3;
        }
        hdr_printf("%s", piece);
        col += strlen(piece);
    }
    hdr_printf("\n#error \"%s_model_s8.h was made from another %s_model.h than the one included\"\n"
               "#endif\n\n", name, name);
}

/* ---- the output stage ------------------------------------------------------ */

static int hdr_fail(const char *what)
{
    (void)fprintf(stderr, "define_once: %s\n", what);
    return 1;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *const k_cpp_open = "#ifdef __cplusplus\nextern \"C\" {\n#endif\n";
static const char *const k_cpp_close = "#ifdef __cplusplus\n}\n#endif\n";

/* The printed header (guard `guard`, e.g. DIGITS_MODEL_S8_H) to stdout;
   0, or 1 with a message. */
static int define_once(const char *guard)
{
    char *text, **line, end_line[128], impl[128], base[128];
    long size;
    size_t n = 0, k, first, end, cap = 1;
    char *p;
    int found = 0;
    if (!g_hdr || fflush(g_hdr) != 0 || fseek(g_hdr, 0, SEEK_END) != 0 ||
        (size = ftell(g_hdr)) < 0 || fseek(g_hdr, 0, SEEK_SET) != 0)
        return hdr_fail("nothing printed");
    text = (char *)malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, g_hdr) != (size_t)size)
        return hdr_fail("cannot read the header back");
    text[size] = '\0';
    for (p = text; *p; p++) cap += *p == '\n';
    line = (char **)malloc(cap * sizeof *line);
    if (!line) return hdr_fail("out of memory");
    for (p = text, line[n++] = p; *p; p++)
        if (*p == '\n') {
            *p = '\0';
            line[n++] = p + 1;
        }
    if (strlen(guard) < 3 || strlen(guard) > 80) return hdr_fail("a guard of 3..80 characters");
    (void)snprintf(end_line, sizeof end_line, "#endif /* %.80s */", guard);
    (void)snprintf(base, sizeof base, "%.*s", (int)(strlen(guard) - 2), guard);
    (void)snprintf(impl, sizeof impl, "%.80s_IMPLEMENTATION", base);
    for (end = n; end-- > 0;)
        if (strcmp(line[end], end_line) == 0) {
            found = 1;
            break;
        }
    for (first = 0; first < n && !starts(line[first], "static const "); first++) {}
    if (!found || first >= end) return hdr_fail("not a header");
    while (first > 0 && line[first - 1][0] != '#' && !(first > 1 && ends(line[first - 2], "\\")))
        first--; /* (not into a macro's continuation lines) */
    /* the head, with the note after #define GUARD */
    for (k = 0; k < first; k++) {
        printf("%s\n", line[k]);
        if (starts(line[k], "#define ") && strcmp(line[k] + 8, guard) == 0)
            printf("\n/* In exactly one C or C++ file, #define %s before including this\n"
                   "   header: that file defines the arrays and structs (const: in flash); every\n"
                   "   other file that includes it sees their declarations. */\n", impl);
    }
    printf("%s", k_cpp_open);
    for (k = first; k < end; k++) /* the declarations */
        if (starts(line[k], "static const ")) {
            const char *d = line[k] + 7;
            if (ends(d, " = {"))
                printf("extern %.*s;\n", (int)(strlen(d) - 4), d);
            else
                return hdr_fail(line[k]);
        }
    printf("%s", k_cpp_close);
    for (k = first; k < end; k++) /* the macros (with their continuation lines) */
        if (line[k][0] == '#') {
            printf("%s\n", line[k]);
            while (ends(line[k], "\\") && k + 1 < end) printf("%s\n", line[++k]);
        }
    printf("\n%s\n\n#if defined(%s) && !defined(%s_DEFINED)\n#define %s_DEFINED\n%s", end_line,
           impl, base, base, k_cpp_open);
    for (k = first; k < end; k++) {
        if (line[k][0] == '#') {
            while (ends(line[k], "\\") && k + 1 < end) k++;
            continue;
        }
        printf("%s\n", starts(line[k], "static const ") ? line[k] + 7 : line[k]);
    }
    printf("\n%s#endif /* %s */\n", k_cpp_close, impl);
    for (k = end + 1; k < n; k++)
        if (k + 1 < n || line[k][0]) printf("%s\n", line[k]);
    free(line);
    free(text);
    return fflush(stdout) != 0;
}

#endif /* DEFINE_ONCE_H */
