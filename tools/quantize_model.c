/* quantize_model.c - turns a float model header (from tools/export.py) and
   calibration data into the int8 model as C source, with attention.h's own
   quantizer (attn_quantize_model_s8), so the int8 parameters a device runs
   are exactly the ones the library's quantizer makes.

   tools/export.py builds and runs it; by hand:
       cc -std=c99 -O2 -I. -I<dir of quant_input.h> tools/quantize_model.c -lm -o qm
       ./qm > name_model_s8.h
   where quant_input.h (written by export.py) includes the float model header
   and the calibration data and defines:
       QM_NAME      "name", the prefix of every generated symbol (a string)
       QM_CFG       the attn_model_cfg            (name_cfg)
       QM_WEIGHTS   the attn_model_weights_f32    (name_weights)
       QM_CALIB     float [n][seq * d_in]         calibration inputs
       QM_N_CALIB   n
       QM_SEQ       the sequence length
       QM_PADDING   uint8_t [n][seq] key padding, or NULL
   Token models (an nn.Embedding front end: attn_model_tokens_s8) define
   QM_TOKENS too; then the quantizer is attn_quantize_model_tokens_s8 and
       QM_CALIB     int [n][seq]                  calibration token ids
       QM_SEGMENTS  const int * to [n][seq] segment ids, or NULL (all 0)
   and the output has the token and segment tables (name_s8_token_embed,
   name_s8_segment_embed), each at the encoding the quantizer chose for it
   (the segment sum's rescaling in segment_add).
       QM_MODEL_SEQ (optional) the float header's NAME_SEQ: the int8 header
                    repeats it and gets NAME_S8_SCRATCH_BYTES
   The store is what attn_quantize_model_store_bytes says, checked exact.
   Output: the int8 weights and parameters as const arrays, one
   `const attn_model_s8_params name_s8` and the configuration name_s8_cfg,
   defined once (tools/define_once.h: in the file that defines
   NAME_MODEL_S8_IMPLEMENTATION); exit status 0, or 1 with a message on
   stderr.
   The check build (tools/export.py's quantize does it after printing):
   quant_input.h also includes the printed header and defines
       QM_CHECK_S8  its parameters (name_s8)
       QM_CHECK_S8_CFG  (optional) its configuration (name_s8_cfg), run too
   and the program, instead of printing, runs the int8 model on every
   calibration sequence with the quantizer's parameters in memory and with
   the printed ones: a line "checked N sequences ..." and exit status 0 when
   every logit is the same, else a message naming the first difference and
   exit status 1. */
#ifndef QM_NO_IMPLEMENTATION /* (defined: link attention.h's implementation in) */
#define ATTN_IMPLEMENTATION
#endif
#include "attention.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quant_input.h"

#ifdef QM_TOKENS
#define QM_IS_TOKENS 1
#else
#define QM_IS_TOKENS 0
#endif
static unsigned char g_scratch[16u << 20] ATTN_ALIGNED;
static void *g_store_mem; /* the store (the size attn_quantize_model_store_bytes gives) */

#ifdef QM_CHECK_S8
/* The model run with q and with the printed QM_CHECK_S8 on each
   calibration sequence (features quantized at q's input encoding; pad:
   QM_PADDING, seg: QM_SEGMENTS or NULL): 0 if every int8 logit agrees,
   else 1 with a message. */
static int check_printed(const attn_model_cfg *cfg, const attn_model_s8_params *q,
                         const uint8_t *pad, const int *seg)
{
    const attn_model_s8_params *p[2];
#ifdef QM_CHECK_S8_CFG /* the printed configuration too */
    const attn_model_cfg *cf[2] = {cfg, &QM_CHECK_S8_CFG};
#else
    const attn_model_cfg *cf[2] = {cfg, cfg};
#endif
    attn_arena arena;
    int s, j, k, n = cfg->n_classes;
#ifndef QM_TOKENS
    (void)seg; /* (features: no segments) */
#endif
    p[0] = q;
    p[1] = &QM_CHECK_S8;
    for (s = 0; s < QM_N_CALIB; s++) {
        void *v[2];
        int8_t *out[2];
        attn_status st = ATTN_OK;
        const uint8_t *ps = pad ? pad + (size_t)s * (size_t)QM_SEQ : NULL;
#ifndef QM_TOKENS
        size_t n_in = (size_t)QM_SEQ * (size_t)(cfg->d_in > 0 ? cfg->d_in : cfg->encoder.d_model);
        void *x8 = NULL;
        attn_qparams qin;
#endif
        attn_arena_init(&arena, g_scratch, sizeof g_scratch);
        if (attn_arena_alloc(&arena, (size_t)n, &v[0]) != ATTN_OK ||
            attn_arena_alloc(&arena, (size_t)n, &v[1]) != ATTN_OK) {
            (void)fprintf(stderr, "quantize_model: no room for the check's logits\n");
            return 1;
        }
        out[0] = (int8_t *)v[0];
        out[1] = (int8_t *)v[1];
#ifndef QM_TOKENS
        qin.scale = q->in_scale;
        qin.zero_point = q->in_zp;
        if (n_in > 0x7fffffff || attn_arena_alloc(&arena, n_in, &x8) != ATTN_OK ||
            attn_quantize_s8((int8_t *)x8, &QM_CALIB[s][0], (int)n_in, qin) != ATTN_OK) {
            (void)fprintf(stderr, "quantize_model: cannot quantize calibration input %d\n", s);
            return 1;
        }
#endif
        for (k = 0; k < 2 && st == ATTN_OK; k++) {
            attn_arena run = arena; /* each run from the same arena state */
#ifdef QM_TOKENS
            st = attn_model_tokens_s8(out[k], &QM_CALIB[s][0],
                                      seg ? seg + (size_t)s * (size_t)QM_SEQ : NULL, QM_SEQ, ps,
                                      cf[k], p[k], &run);
#else
            st = attn_model_s8(out[k], (const int8_t *)x8, QM_SEQ, ps, cf[k], p[k], &run);
#endif
        }
        if (st != ATTN_OK) {
            (void)fprintf(stderr, "quantize_model: the %s int8 model on calibration sequence %d: "
                          "%s\n", k == 1 ? "quantizer's" : "printed", s, attn_status_str(st));
            return 1;
        }
        for (j = 0; j < n; j++)
            if (out[0][j] != out[1][j]) {
                (void)fprintf(stderr, "quantize_model: the printed int8 model gives other logits "
                              "than the quantizer's parameters: calibration sequence %d, logit "
                              "%d: %d printed, %d in memory\n", s, j, out[1][j], out[0][j]);
                return 1;
            }
    }
    printf("checked %d sequences: the printed int8 model's logits are the quantizer's\n",
           QM_N_CALIB);
    return 0;
}
#endif

#ifndef QM_CHECK_S8 /* the printing (the check build prints nothing) */
#include "define_once.h"
static int g_col;
static unsigned long g_bytes; /* of every array printed: the int8 model's flash */

/* ---- printing C ------------------------------------------------------------ */

/* snprintf into buf [n]; text that does not fit (or a format error) stops
   the program, as the C it prints would be wrong */
#if defined(__GNUC__) || defined(__clang__)
static void fmt(char *buf, size_t n, const char *format, ...) __attribute__((format(printf, 3, 4)));
#endif
static void fmt(char *buf, size_t n, const char *format, ...)
{
    va_list ap;
    int k;
    va_start(ap, format);
    k = vsnprintf(buf, n, format, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= n) {
        (void)fprintf(stderr, "quantize_model: \"%s\" does not fit in %lu bytes\n", format,
                      (unsigned long)n);
        exit(1);
    }
}

static void item(const char *text)
{
    size_t n = 0;
    while (text[n]) n++;
    if (g_col + (int)n + 2 > 100) {
        hdr_printf("\n   ");
        g_col = 3;
    }
    hdr_printf(" %s,", text);
    g_col += (int)n + 2;
}

#define ITEM_LEN 40
/* One element of an array as C text, into buf [ITEM_LEN]. */
typedef void (*format_fn)(char *buf, const void *array, size_t i);

static void format_s8(char *buf, const void *a, size_t i)
{
    fmt(buf, ITEM_LEN, "%d", ((const int8_t *)a)[i]);
}

static void format_s32(char *buf, const void *a, size_t i)
{
    int32_t v = ((const int32_t *)a)[i];
    /* INT32_MIN has no literal of type int: write it as an expression */
    if (v == INT32_MIN) fmt(buf, ITEM_LEN, "(-2147483647 - 1)");
    else fmt(buf, ITEM_LEN, "%ld", (long)v);
}

static void format_qmul(char *buf, const void *a, size_t i)
{
    const attn_qmul *m = (const attn_qmul *)a + i;
    fmt(buf, ITEM_LEN, "{%ld, %ld}", (long)m->multiplier, (long)m->shift);
}

/* static const TYPE QM_NAME_s8_NAME[n] = {...}; counted in g_bytes. */
static void print_array(const char *type, size_t elem, format_fn format, const char *name,
                        const void *x, size_t n)
{
    char buf[ITEM_LEN];
    size_t i;
    hdr_printf("static const %s %s_s8_%s[%lu] = {", type, QM_NAME, name, (unsigned long)n);
    g_col = 100;
    g_bytes += (unsigned long)(n * elem);
    for (i = 0; i < n; i++) {
        format(buf, x, i);
        item(buf);
    }
    hdr_printf("\n};\n");
}

static void array_s8(const char *name, const int8_t *x, size_t n)
{
    print_array("int8_t", 1, format_s8, name, x, n);
}

static void array_s32(const char *name, const int32_t *x, size_t n)
{
    print_array("int32_t", sizeof(int32_t), format_s32, name, x, n);
}

static void array_qmul(const char *name, const attn_qmul *x, size_t n)
{
    print_array("attn_qmul", sizeof(attn_qmul), format_qmul, name, x, n);
}

#define NAME_LEN 256 /* a symbol: QM_NAME "_s8_" and a part name (< PART_LEN) */
#define PART_LEN 64

/* The symbol an array was printed as into buf [NAME_LEN], or "NULL". */
static const char *sym(char *buf, const void *p, const char *name)
{
    if (p) fmt(buf, NAME_LEN, "%s_s8_%s", QM_NAME, name);
    else fmt(buf, NAME_LEN, "NULL");
    return buf;
}

static void print_qmul(attn_qmul m)
{
    hdr_printf("{%ld, %ld}", (long)m.multiplier, (long)m.shift);
}

static void print_int64(int64_t v)
{
    /* no long long literal (C++98 -pedantic): two int32 halves */
    /* hi = floor(v / 2^30), lo = v - hi 2^30 in [0, 2^30), without shifting a
       negative value */
    int64_t hi = v >= 0 ? v / 1073741824 : -((-(v + 1)) / 1073741824) - 1;
    if (v >= -2147483647 && v <= 2147483647) hdr_printf("%ld", (long)v);
    else hdr_printf("((int64_t)%ld * 1073741824 + %ld)", (long)hi, (long)(v - hi * 1073741824));
}

/* ---- the parameter structs -------------------------------------------------- */

typedef struct {
    char w[NAME_LEN], b[NAME_LEN], rq[NAME_LEN], fb[NAME_LEN];
} linear_names;

static linear_names emit_linear_arrays(const char *name, const attn_linear_s8_params *p, int in,
                                       int out)
{
    linear_names n;
    char tmp[PART_LEN];
    memset(&n, 0, sizeof n); /* (sym() writes every name) */
    fmt(tmp, sizeof tmp, "%s_w", name);
    array_s8(tmp, p->w, (size_t)in * (size_t)out);
    sym(n.w, p->w, tmp);
    fmt(tmp, sizeof tmp, "%s_b", name);
    if (p->bias) array_s32(tmp, p->bias, (size_t)out);
    sym(n.b, p->bias, tmp);
    fmt(tmp, sizeof tmp, "%s_rq", name);
    array_qmul(tmp, p->requant, (size_t)out);
    sym(n.rq, p->requant, tmp);
    fmt(tmp, sizeof tmp, "%s_fb", name);
    if (p->fused_bias) array_s32(tmp, p->fused_bias, (size_t)out);
    sym(n.fb, p->fused_bias, tmp);
    return n;
}

static void print_linear(const linear_names *n, const attn_linear_s8_params *p)
{
    hdr_printf("{%s, %s, %s, %ld, %ld, %ld, %ld, %s}", n->w, n->b, n->rq, (long)p->in_zp, (long)p->out_zp,
           (long)p->act_min, (long)p->act_max, n->fb);
}

typedef struct {
    char gamma[NAME_LEN], beta[NAME_LEN];
} norm_names;

static norm_names emit_norm_arrays(const char *name, const attn_layernorm_s8_params *p, int d)
{
    norm_names n;
    char tmp[PART_LEN];
    memset(&n, 0, sizeof n); /* (sym() writes both names) */
    fmt(tmp, sizeof tmp, "%s_gamma", name);
    array_qmul(tmp, p->gamma, (size_t)d);
    sym(n.gamma, p->gamma, tmp);
    fmt(tmp, sizeof tmp, "%s_beta", name);
    if (p->beta) array_s32(tmp, p->beta, (size_t)d);
    sym(n.beta, p->beta, tmp);
    return n;
}

static void print_norm(const norm_names *n, const attn_layernorm_s8_params *p)
{
    hdr_printf("{%s, %s, ", n->gamma, n->beta);
    print_int64(p->eps);
    hdr_printf(", %ld}", (long)p->out_zp);
}

static void print_add(const attn_add_s8_params *p)
{
    hdr_printf("{%ld, %ld, ", (long)p->a_zp, (long)p->b_zp);
    print_qmul(p->a_mul);
    hdr_printf(", ");
    print_qmul(p->b_mul);
    hdr_printf(", ");
    print_qmul(p->out_mul);
    hdr_printf(", %ld}", (long)p->out_zp);
}

static void print_sdpa(const attn_sdpa_s8_params *p)
{
    hdr_printf("{%ld, %ld, %ld, ", (long)p->q_zp, (long)p->k_zp, (long)p->v_zp);
    print_qmul(p->score_mul);
    hdr_printf(", ");
    print_qmul(p->ctx_mul);
    hdr_printf(", %ld}", (long)p->out_zp);
}

/* a float literal that reads back exactly: %.9g, with a '.' if it has
   neither '.' nor an exponent, then 'f' */
static void upper_name(char *up)
{
    int i;
    fmt(up, PART_LEN, "%s", QM_NAME);
    for (i = 0; up[i]; i++)
        if (up[i] >= 'a' && up[i] <= 'z') up[i] = (char)(up[i] - 'a' + 'A');
}

static void print_float(float f)
{
    char buf[40];
    int i, plain = 1;
    fmt(buf, sizeof buf, "%.9g", (double)f);
    for (i = 0; buf[i]; i++)
        if (buf[i] == '.' || buf[i] == 'e') plain = 0;
    hdr_printf("%s%sf", buf, plain ? "." : "");
}


/* The float header's size macros, for this header alone (define_once.h) */
static void print_sizes(const attn_model_cfg *cfg, const char *upper)
{
    const attn_encoder_cfg *e = &cfg->encoder;
#ifdef QM_MODEL_SEQ
    hdr_size("SEQ", (long)(QM_MODEL_SEQ));
#endif
    hdr_size("D_IN", QM_IS_TOKENS ? 0L : (long)cfg->d_in);
    if (cfg->patch > 0) {
        hdr_size("PATCH", cfg->patch);
        hdr_size("CHANNELS", cfg->channels);
        hdr_size("IMAGE_H", cfg->image_h);
        hdr_size("IMAGE_W", cfg->image_w);
    }
    if (QM_IS_TOKENS) {
        hdr_size("VOCAB", cfg->vocab);
        if (cfg->n_segments > 0) hdr_size("N_SEGMENTS", cfg->n_segments);
    }
    hdr_size("D_MODEL", e->d_model);
    hdr_size("N_HEADS", e->n_heads);
    hdr_size("D_FF", e->d_ff);
    hdr_size("N_LAYERS", QM_WEIGHTS.encoder.n_layers);
    hdr_size("N_CLASSES", cfg->n_classes);
    if (cfg->cls_token) hdr_size("CLS_TOKEN", 1);
    if (e->window) hdr_size("WINDOW", e->window);
    hdr_sizes(upper, QM_NAME);
}

/* QM_NAME_s8_cfg: the model's configuration (QM_NAME_cfg of the float
   header), for this header alone */
static void print_cfg(const attn_model_cfg *c)
{
    static const char *const act[3] = {"ATTN_ACT_RELU", "ATTN_ACT_GELU", "ATTN_ACT_GELU_TANH"};
    static const char *const pos[3] = {"ATTN_POS_NONE", "ATTN_POS_SINUSOIDAL", "ATTN_POS_LEARNED"};
    static const char *const pool[3] = {"ATTN_POOL_MEAN", "ATTN_POOL_FIRST", "ATTN_POOL_ATTENTION"};
    const attn_encoder_cfg *e = &c->encoder;
    hdr_printf("/* the configuration (%s_cfg of %s_model.h) */\n"
               "static const attn_model_cfg %s_s8_cfg = {\n"
               "    {%d, %d, %d, %s, %d /*norm_first*/, %d /*causal*/, ",
               QM_NAME, QM_NAME, QM_NAME, e->d_model, e->n_heads, e->d_ff,
               act[(int)e->activation], e->norm_first, e->causal);
    print_float(e->eps);
    hdr_printf(" /*eps*/,\n     %d /*window*/},\n"
               "    %d /*d_in*/, %d /*max_seq*/, %s, %s, %d /*n_classes*/,\n"
               "    %d /*cls_token*/, %d /*embed_norm*/, %d /*patch*/, %d, %d, %d"
               " /*channels, image_h, image_w*/,\n"
               "    %d /*vocab*/, %d /*n_segments*/};\n",
               e->window, c->d_in, c->max_seq, pos[(int)c->position], pool[(int)c->pooling],
               c->n_classes, c->cls_token, c->embed_norm, c->patch, c->channels, c->image_h,
               c->image_w, c->vocab, c->n_segments);
}

/* The int8 model q as C source on stdout; 0. */
static int print_model(const attn_model_cfg *cfg, const attn_model_s8_params *qp)
{
    const attn_model_s8_params q = *qp;
    int d = cfg->encoder.d_model, ff = cfg->encoder.d_ff, l;
    int n_layers = QM_WEIGHTS.encoder.n_layers;
    char name[PART_LEN], upper[PART_LEN];
    static linear_names embed, cls, lin[8][6];
    static norm_names norms[8][2], fnorm, enorm, cnorms[8][2], cfnorm;
    char cls_tok[NAME_LEN], pool_w[NAME_LEN], tok_embed[NAME_LEN], seg_embed[NAME_LEN];
    static char gelu[8][NAME_LEN];

    upper_name(upper);
#ifdef QM_TOKENS
    hdr_printf("/* %s_model_s8.h - the int8 model, generated by tools/quantize_model.c with\n"
           "   attention.h %d.%d.%d's quantizer (min/max calibration on %d token sequences);\n"
           "   do not edit. Include it alone or after %s_model.h. Input: token ids 0..%d%s\n"
           "   (attn_model_tokens_s8); the embedded rows: scale %.9g, zero point %ld;\n"
           "   logits: scale %.9g, zero point %ld. */\n"
           "#ifndef %s_MODEL_S8_H\n#define %s_MODEL_S8_H\n\n#include \"attention.h\"\n\n",
           QM_NAME, ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH, QM_N_CALIB,
           QM_NAME, cfg->vocab - 1, cfg->n_segments > 0 ? " and segment ids" : "",
           (double)q.in_scale, (long)q.in_zp, (double)q.logit_scale, (long)q.logit_zp, upper,
           upper);
#else
    hdr_printf("/* %s_model_s8.h - the int8 model, generated by tools/quantize_model.c with\n"
           "   attention.h %d.%d.%d's quantizer (min/max calibration on %d sequences);\n"
           "   do not edit. Include it alone or after %s_model.h. Input: quantize with\n"
           "   scale %.9g,"
           " zero point %ld; logits: scale %.9g, zero point %ld. */\n"
           "#ifndef %s_MODEL_S8_H\n#define %s_MODEL_S8_H\n\n#include \"attention.h\"\n\n",
           QM_NAME, ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH, QM_N_CALIB,
           QM_NAME, (double)q.in_scale, (long)q.in_zp, (double)q.logit_scale, (long)q.logit_zp,
           upper, upper);
#endif
    print_sizes(cfg, upper);

    /* arrays first */
    if (cfg->d_in > 0) embed = emit_linear_arrays("embed", &q.embed, cfg->d_in, d);
    if (q.pos) array_s8("pos", q.pos, (size_t)cfg->max_seq * (size_t)d);
    for (l = 0; l < n_layers; l++) {
        const attn_encoder_layer_s8_params *L = &q.encoder.layers[l];
        const attn_linear_s8_params *ls[6];
        static const char *const ln[6] = {"q", "k", "v", "o", "ff1", "ff2"};
        int k;
        ls[0] = &L->attn.q;
        ls[1] = &L->attn.k;
        ls[2] = &L->attn.v;
        ls[3] = &L->attn.o;
        ls[4] = &L->ff1;
        ls[5] = &L->ff2;
        for (k = 0; k < 6; k++) {
            fmt(name, sizeof name, "l%d_%s", l, ln[k]);
            lin[l][k] = emit_linear_arrays(name, ls[k], k == 5 ? ff : d, k == 4 ? ff : d);
        }
        fmt(name, sizeof name, "l%d_norm1", l);
        norms[l][0] = emit_norm_arrays(name, &L->norm1, d);
        fmt(name, sizeof name, "l%d_norm2", l);
        norms[l][1] = emit_norm_arrays(name, &L->norm2, d);
        fmt(name, sizeof name, "l%d_gelu", l);
        if (L->gelu_table) array_s8(name, L->gelu_table, 256);
        sym(gelu[l], L->gelu_table, name);
    }
    if (q.encoder.final_norm) fnorm = emit_norm_arrays("norm", &q.encoder.norm, d);
    cls = emit_linear_arrays("cls", &q.cls, d, cfg->n_classes);
    /* the front ends and attention pooling; a token model's tables (each at
       its own encoding: segment_add rescales both to the sum's) */
    if (q.cls_token) array_s8("cls_token", q.cls_token, (size_t)d);
    sym(cls_tok, q.cls_token, "cls_token");
    if (q.token_embed) array_s8("token_embed", q.token_embed, (size_t)cfg->vocab * (size_t)d);
    sym(tok_embed, q.token_embed, "token_embed");
    if (q.segment_embed)
        array_s8("segment_embed", q.segment_embed, (size_t)cfg->n_segments * (size_t)d);
    sym(seg_embed, q.segment_embed, "segment_embed");
    if (cfg->embed_norm) enorm = emit_norm_arrays("embed_norm", &q.embed_norm, d);
    if (q.pool_w) array_s8("pool_w", q.pool_w, (size_t)d);
    sym(pool_w, q.pool_w, "pool_w");
    /* a pre-norm stack's CLS row at its own encoding: its x0; its norms
       share the layers' gamma and beta (only eps differs) */
    if (q.cls_row) {
        const attn_cls_row_s8_params *cr = q.cls_row;
        array_s8("cls_x0", cr->x0, (size_t)d);
        for (l = 0; l < n_layers; l++) {
            const attn_encoder_layer_s8_params *L = &q.encoder.layers[l];
            fmt(name, sizeof name, "l%d_cls_norm1", l);
            cnorms[l][0] = cr->layers[l].norm1.gamma == L->norm1.gamma &&
                                   cr->layers[l].norm1.beta == L->norm1.beta
                               ? norms[l][0]
                               : emit_norm_arrays(name, &cr->layers[l].norm1, d);
            fmt(name, sizeof name, "l%d_cls_norm2", l);
            cnorms[l][1] = cr->layers[l].norm2.gamma == L->norm2.gamma &&
                                   cr->layers[l].norm2.beta == L->norm2.beta
                               ? norms[l][1]
                               : emit_norm_arrays(name, &cr->layers[l].norm2, d);
        }
        if (q.encoder.final_norm)
            cfnorm = cr->norm.gamma == q.encoder.norm.gamma && cr->norm.beta == q.encoder.norm.beta
                         ? fnorm
                         : emit_norm_arrays("cls_norm", &cr->norm, d);
    }

    /* then the parameter structs, in attention.h's field order */
    hdr_printf("static const attn_encoder_layer_s8_params %s_s8_layers[%d] = {\n", QM_NAME, n_layers);
    for (l = 0; l < n_layers; l++) {
        const attn_encoder_layer_s8_params *L = &q.encoder.layers[l];
        hdr_printf("    {{");
        print_linear(&lin[l][0], &L->attn.q);
        hdr_printf(",\n      ");
        print_linear(&lin[l][1], &L->attn.k);
        hdr_printf(",\n      ");
        print_linear(&lin[l][2], &L->attn.v);
        hdr_printf(",\n      ");
        print_linear(&lin[l][3], &L->attn.o);
        hdr_printf(",\n      ");
        print_sdpa(&L->attn.sdpa);
        hdr_printf("},\n     ");
        print_add(&L->add1);
        hdr_printf(",\n     ");
        print_norm(&norms[l][0], &L->norm1);
        hdr_printf(",\n     ");
        print_linear(&lin[l][4], &L->ff1);
        hdr_printf(",\n     %s,\n     ", gelu[l]);
        print_linear(&lin[l][5], &L->ff2);
        hdr_printf(",\n     ");
        print_add(&L->add2);
        hdr_printf(",\n     ");
        print_norm(&norms[l][1], &L->norm2);
        hdr_printf("},\n");
    }
    hdr_printf("};\n\n");

    if (q.cls_row) {
        const attn_cls_row_s8_params *cr = q.cls_row;
        hdr_printf("static const attn_cls_layer_s8_params %s_s8_cls_layers[%d] = {\n", QM_NAME,
               n_layers);
        for (l = 0; l < n_layers; l++) {
            hdr_printf("    {");
            print_add(&cr->layers[l].add1);
            hdr_printf(",\n     ");
            print_add(&cr->layers[l].add2);
            hdr_printf(",\n     ");
            print_norm(&cnorms[l][0], &cr->layers[l].norm1);
            hdr_printf(",\n     ");
            print_norm(&cnorms[l][1], &cr->layers[l].norm2);
            hdr_printf("},\n");
        }
        hdr_printf("};\n\nstatic const attn_cls_row_s8_params %s_s8_cls_row = {\n    %s_s8_cls_x0, "
               "%s_s8_cls_layers, ", QM_NAME, QM_NAME, QM_NAME);
        if (q.encoder.final_norm) print_norm(&cfnorm, &cr->norm);
        else hdr_printf("{NULL, NULL, 1, 0}");
        hdr_printf("};\n\n");
    }
    hdr_printf("static const attn_model_s8_params %s_s8 = {\n    ", QM_NAME);
    if (cfg->d_in > 0) print_linear(&embed, &q.embed);
    else hdr_printf("{NULL, NULL, NULL, 0, 0, -128, 127, NULL}");
    hdr_printf(",\n    %s,\n    ", q.pos ? sym(name, q.pos, "pos") : "NULL");
    print_add(&q.pos_add);
    hdr_printf(",\n    {%s_s8_layers, %d, %d, ", QM_NAME, n_layers, q.encoder.final_norm);
    if (q.encoder.final_norm) print_norm(&fnorm, &q.encoder.norm);
    else hdr_printf("{NULL, NULL, 1, 0}");
    hdr_printf("},\n    ");
    print_linear(&cls, &q.cls);
    hdr_printf(",\n    ");
    print_float(q.in_scale);
    hdr_printf(", ");
    print_float(q.logit_scale);
    hdr_printf(", %ld, %ld,\n    %s, %s, %s, ", (long)q.in_zp, (long)q.logit_zp, cls_tok, tok_embed,
           seg_embed);
    print_add(&q.segment_add);
    hdr_printf(",\n    ");
    if (cfg->embed_norm) print_norm(&enorm, &q.embed_norm);
    else hdr_printf("{NULL, NULL, 1, 0}");
    hdr_printf(",\n    %s, ", pool_w);
    print_sdpa(&q.pool);
    if (q.cls_row) hdr_printf(",\n    &%s_s8_cls_row};\n", QM_NAME);
    else hdr_printf(", NULL};\n");
    print_cfg(cfg);
    hdr_printf("#define %s_S8_WEIGHT_BYTES %lu /* the arrays above */\n",
           upper,
           g_bytes + (unsigned long)((size_t)n_layers * sizeof(attn_encoder_layer_s8_params)) +
               (q.cls_row ? (unsigned long)(sizeof(attn_cls_row_s8_params) +
                                            (size_t)n_layers * sizeof(attn_cls_layer_s8_params))
                          : 0UL));
#ifdef QM_MODEL_SEQ
    hdr_printf("/* the arena of attn_model%s_s8 */\n#define %s_S8_SCRATCH_BYTES \\\n"
               "    ATTN_MODEL_SCRATCH_EX_S8(%s_SEQ, %s_D_MODEL, %s_N_HEADS, %s_D_FF, %d, %s%s)\n",
               cfg->vocab > 0 && QM_IS_TOKENS ? "_tokens" : "", upper, upper, upper, upper, upper,
               cfg->cls_token, cfg->patch > 0 ? upper : "0", cfg->patch > 0 ? "_D_IN" : "");
#endif
    hdr_printf("\n#endif /* %s_MODEL_S8_H */\n", upper);
    {
        char guard[PART_LEN + 16];
        fmt(guard, sizeof guard, "%s_MODEL_S8_H", upper);
        return define_once(guard);
    }
}
#endif

int main(void)
{
    const attn_model_cfg *cfg = &QM_CFG;
    attn_model_s8_params q;
    attn_arena store, scratch;
    attn_status st;
    size_t store_bytes = 0;

    st = attn_quantize_model_store_bytes(cfg, &QM_WEIGHTS, QM_SEQ, QM_IS_TOKENS, &store_bytes);
    if (st != ATTN_OK || !(g_store_mem = malloc(store_bytes + ATTN_ALIGN))) {
        (void)fprintf(stderr, "quantize_model: attn_quantize_model_store_bytes: %s\n",
                      st != ATTN_OK ? attn_status_str(st) : "no memory for the store");
        return 1;
    }
    attn_arena_init(&store, g_store_mem, store_bytes + ATTN_ALIGN);
    attn_arena_init(&scratch, g_scratch, sizeof g_scratch);
#ifdef QM_TOKENS
    st = attn_quantize_model_tokens_s8(&q, cfg, &QM_WEIGHTS, &QM_CALIB[0][0], QM_SEGMENTS,
                                       QM_PADDING, QM_N_CALIB, QM_SEQ, &store, &scratch);
    if (st != ATTN_OK) {
        (void)fprintf(stderr, "quantize_model: attn_quantize_model_tokens_s8: %s%s\n",
                      attn_status_str(st),
                      st == ATTN_ERR_RANGE ? " (a calibration token or segment id outside its "
                                             "table, or a non-finite weight or activation)"
                                           : "");
        return 1;
    }
#else
    st = attn_quantize_model_s8(&q, cfg, &QM_WEIGHTS, &QM_CALIB[0][0], QM_PADDING, QM_N_CALIB,
                                QM_SEQ, &store, &scratch);
    if (st != ATTN_OK) {
        (void)fprintf(stderr, "quantize_model: attn_quantize_model_s8: %s\n", attn_status_str(st));
        return 1;
    }
#endif
    if (store.used != store_bytes) {
        (void)fprintf(stderr, "quantize_model: the store took %lu bytes, "
                      "attn_quantize_model_store_bytes said %lu\n", (unsigned long)store.used,
                      (unsigned long)store_bytes);
        return 1;
    }
    if (QM_WEIGHTS.encoder.n_layers > 8) {
        (void)fprintf(stderr, "quantize_model: more than 8 layers\n");
        return 1;
    }
#ifdef QM_CHECK_S8
#ifdef QM_TOKENS
    return check_printed(cfg, &q, QM_PADDING, QM_SEGMENTS);
#else
    return check_printed(cfg, &q, QM_PADDING, NULL);
#endif
#else
    return print_model(cfg, &q);
#endif
}

