/* quantize_seq2seq.c - turns a float encoder-decoder or decoder-only model
   header (tools/export.py export_seq2seq / export_lm) and calibration
   token sequences into the int8 model as C source, with attention.h's own
   quantizer (attn_quantize_seq2seq_s8 / attn_quantize_lm_s8), so the int8
   parameters a device runs are exactly the ones the library makes.

   tools/export.py (quantize_seq2seq / quantize_lm) builds and runs it; by hand:
       cc -std=c99 -O2 -I. -I<dir of qs_input.h> tools/quantize_seq2seq.c -lm -o qs
       ./qs > name_model_s8.h
   where qs_input.h includes the float model header and the calibration
   header and defines:
       QS_NAME          "name", the prefix of every generated symbol (a string)
       QS_LM            defined for a decoder-only model; else encoder-decoder
       QS_CFG, QS_W     the float model (name_cfg, name_weights)
       QS_N_CALIB       calibration sequences
       encoder-decoder: QS_SRC, QS_SRC_LEN, QS_TGT, QS_TGT_LEN: int
                        [n][max_src] source tokens and their lengths, int
                        [n][max_tgt] decoder inputs (BOS first) and lengths
                        a source with a front end (attn_seq2seq_cfg's src_*):
                        QS_INPUT, float [n][max_src][src_d_in] features or
                        [n][channels][h][w] images, instead of QS_SRC;
                        QS_SEG (optional) int [n][max_src] segment ids
                        beside QS_SRC (attn_quantize_seq2seq_ex_s8)
       decoder-only:    QS_SEQ, QS_SEQ_LEN: int [n][max_len] and lengths
       QS_RUN           (optional) defined: rs_input.h's sample macros are
                        there too (see tools/run_seq2seq.c), and `./qs --run`
                        runs the parameters it made, in memory, printing
                        what tools/run_seq2seq.c prints for the header
   The store is exactly attn_quantize_*_store_bytes (checked against its
   high-water mark afterwards); the scratch starts at 1 MB and doubles on
   ATTN_ERR_ARENA (which the quantizer reports before any work).
   Output: the int8 arrays, the parameter structs and one `static const
   attn_seq2seq_s8_params name_s8` (attn_lm_s8_params), with the int8 cache
   and scratch sizes as macros (a source with a front end:
   ATTN_SEQ2SEQ_SCRATCH_EX_S8, patch_in NAME_SRC_D_IN for an image); exit status 0, or 1 with a message on
   stderr. The output is deterministic. QS_NO_IMPLEMENTATION: attention.h's
   implementation is linked in from elsewhere (tools/export.py links one
   object it compiled once). */
#ifndef QS_NO_IMPLEMENTATION
#define ATTN_IMPLEMENTATION
#endif
#include "attention.h"
#include "define_once.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qs_input.h"

#ifdef QS_LM
typedef attn_lm_s8_params qs_params;
#else
typedef attn_seq2seq_s8_params qs_params;
#endif

static qs_params g_q;

#ifdef QS_RUN
#define RS_S8 g_q
#include "run_seq2seq.h"
#endif

static int g_col;
static unsigned long g_bytes; /* of every array printed */

/* ---- printing C ------------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
static void fmt(char *buf, size_t n, const char *format, ...) __attribute__((format(printf, 3, 4)));
#endif
/* snprintf into buf [n]; text that does not fit stops the program */
static void fmt(char *buf, size_t n, const char *format, ...)
{
    va_list ap;
    int k;
    va_start(ap, format);
    k = vsnprintf(buf, n, format, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= n) {
        (void)fprintf(stderr, "quantize_seq2seq: \"%s\" does not fit in %lu bytes\n", format,
                      (unsigned long)n);
        exit(1);
    }
}

#define ITEM_LEN 40
#define NAME_LEN 160 /* a symbol: QS_NAME (<= 32) "_s8_" and a part name */
#define PART_LEN 64

static void item(const char *text)
{
    int n = (int)strlen(text);
    if (g_col + n + 2 > 100) {
        hdr_printf("\n   ");
        g_col = 3;
    }
    hdr_printf(" %s,", text);
    g_col += n + 2;
}

typedef void (*format_fn)(char *buf, const void *array, size_t i);

static void format_s8(char *buf, const void *a, size_t i)
{
    fmt(buf, ITEM_LEN, "%d", ((const int8_t *)a)[i]);
}

static void format_s32(char *buf, const void *a, size_t i)
{
    int32_t v = ((const int32_t *)a)[i];
    if (v == INT32_MIN) fmt(buf, ITEM_LEN, "(-2147483647 - 1)"); /* no such int literal */
    else fmt(buf, ITEM_LEN, "%ld", (long)v);
}

static void format_qmul(char *buf, const void *a, size_t i)
{
    const attn_qmul *m = (const attn_qmul *)a + i;
    fmt(buf, ITEM_LEN, "{%ld, %ld}", (long)m->multiplier, (long)m->shift);
}

/* static const TYPE QS_NAME_s8_PART[n] = {...}; counted in g_bytes */
static void print_array(const char *type, size_t elem, format_fn format, const char *part,
                        const void *x, size_t n)
{
    char buf[ITEM_LEN];
    size_t i;
    hdr_printf("static const %s %s_s8_%s[%lu] = {", type, QS_NAME, part, (unsigned long)n);
    g_col = 100;
    g_bytes += (unsigned long)(n * elem);
    for (i = 0; i < n; i++) {
        format(buf, x, i);
        item(buf);
    }
    hdr_printf("\n};\n");
}

/* The symbol of part `part` (a printf format with one int, or none) for
   pointer p into buf [NAME_LEN], or "NULL". */
static const char *sym(char *buf, const void *p, const char *part)
{
    if (p) fmt(buf, NAME_LEN, "%s_s8_%s", QS_NAME, part);
    else fmt(buf, NAME_LEN, "NULL");
    return buf;
}

static void part_name(char *buf, const char *prefix, const char *what)
{
    fmt(buf, PART_LEN, "%s%s", prefix, what);
}

static void print_qmul(attn_qmul m)
{
    hdr_printf("{%ld, %ld}", (long)m.multiplier, (long)m.shift);
}

static void print_int64(int64_t v)
{
    /* no long long literal (C++98 -pedantic): hi * 2^30 + lo, lo in [0, 2^30) */
    int64_t hi = v >= 0 ? v / 1073741824 : -((-(v + 1)) / 1073741824) - 1;
    if (v >= -2147483647 && v <= 2147483647) hdr_printf("%ld", (long)v);
    else hdr_printf("((int64_t)%ld * 1073741824 + %ld)", (long)hi, (long)(v - hi * 1073741824));
}

static void print_float(float f)
{
    char buf[40];
    int i, plain = 1;
    fmt(buf, sizeof buf, "%.9g", (double)f);
    for (i = 0; buf[i]; i++)
        if (buf[i] == '.' || buf[i] == 'e' || buf[i] == 'n' || buf[i] == 'i') plain = 0;
    hdr_printf("%s%sf", buf, plain ? "." : "");
}

/* ---- the parts: arrays first (emit_*), then initialisers (print_*) --------- */

/* a linear layer in -> out: w, bias (or none), requant, fused bias (or none) */
static void emit_linear(const char *prefix, const attn_linear_s8_params *p, int in, int out)
{
    char part[PART_LEN];
    part_name(part, prefix, "_w");
    print_array("int8_t", 1, format_s8, part, p->w, (size_t)in * (size_t)out);
    part_name(part, prefix, "_b");
    if (p->bias) print_array("int32_t", 4, format_s32, part, p->bias, (size_t)out);
    part_name(part, prefix, "_rq");
    print_array("attn_qmul", sizeof(attn_qmul), format_qmul, part, p->requant, (size_t)out);
    part_name(part, prefix, "_fb");
    if (p->fused_bias) print_array("int32_t", 4, format_s32, part, p->fused_bias, (size_t)out);
}

/* {w, bias, requant, in_zp, out_zp, act_min, act_max, fused_bias}, its "{"
   at column col: broken after requant if the line would pass column 98 */
static void print_linear(const char *prefix, const attn_linear_s8_params *p, int col)
{
    char part[PART_LEN], w[NAME_LEN], b[NAME_LEN], rq[NAME_LEN], fb[NAME_LEN];
    char head[4 * NAME_LEN], tail[2 * NAME_LEN];
    part_name(part, prefix, "_w");
    sym(w, p->w, part);
    part_name(part, prefix, "_b");
    sym(b, p->bias, part);
    part_name(part, prefix, "_rq");
    sym(rq, p->requant, part);
    part_name(part, prefix, "_fb");
    sym(fb, p->fused_bias, part);
    fmt(head, sizeof head, "{%s, %s, %s,", w, b, rq);
    fmt(tail, sizeof tail, "%ld, %ld, %ld, %ld, %s}", (long)p->in_zp, (long)p->out_zp,
        (long)p->act_min, (long)p->act_max, fb);
    if (col + (int)strlen(head) + 1 + (int)strlen(tail) + 2 <= 100) hdr_printf("%s %s", head, tail);
    else hdr_printf("%s\n%*s%s", head, col + 1, "", tail);
}

static void emit_norm(const char *prefix, const attn_layernorm_s8_params *p, int d)
{
    char part[PART_LEN];
    part_name(part, prefix, "_gamma");
    if (p->gamma) print_array("attn_qmul", sizeof(attn_qmul), format_qmul, part, p->gamma, (size_t)d);
    part_name(part, prefix, "_beta");
    if (p->beta) print_array("int32_t", 4, format_s32, part, p->beta, (size_t)d);
}

static void print_norm(const char *prefix, const attn_layernorm_s8_params *p)
{
    char part[PART_LEN], g[NAME_LEN], b[NAME_LEN];
    part_name(part, prefix, "_gamma");
    sym(g, p->gamma, part);
    part_name(part, prefix, "_beta");
    sym(b, p->beta, part);
    hdr_printf("{%s, %s, ", g, b);
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

static void emit_mha(const char *prefix, const attn_mha_s8_params *p, int d)
{
    char part[PART_LEN];
    fmt(part, sizeof part, "%sq", prefix);
    emit_linear(part, &p->q, d, d);
    fmt(part, sizeof part, "%sk", prefix);
    emit_linear(part, &p->k, d, d);
    fmt(part, sizeof part, "%sv", prefix);
    emit_linear(part, &p->v, d, d);
    fmt(part, sizeof part, "%so", prefix);
    emit_linear(part, &p->o, d, d);
}

/* {q, k, v, o, sdpa}, continuation lines indented by `indent` */
static void print_mha(const char *prefix, const attn_mha_s8_params *p, const char *indent)
{
    char part[PART_LEN];
    hdr_printf("{");
    int col = (int)strlen(indent);
    fmt(part, sizeof part, "%sq", prefix);
    print_linear(part, &p->q, col);
    hdr_printf(",\n%s", indent);
    fmt(part, sizeof part, "%sk", prefix);
    print_linear(part, &p->k, col);
    hdr_printf(",\n%s", indent);
    fmt(part, sizeof part, "%sv", prefix);
    print_linear(part, &p->v, col);
    hdr_printf(",\n%s", indent);
    fmt(part, sizeof part, "%so", prefix);
    print_linear(part, &p->o, col);
    hdr_printf(",\n%s", indent);
    print_sdpa(&p->sdpa);
    hdr_printf("}");
}

/* the feed-forward block's arrays: ff1, the GELU table (if any), ff2 */
static void emit_ff(const char *prefix, const attn_linear_s8_params *ff1, const int8_t *gelu,
                    const attn_linear_s8_params *ff2, int d, int ff)
{
    char part[PART_LEN];
    part_name(part, prefix, "ff1");
    emit_linear(part, ff1, d, ff);
    part_name(part, prefix, "gelu");
    if (gelu) print_array("int8_t", 1, format_s8, part, gelu, 256);
    part_name(part, prefix, "ff2");
    emit_linear(part, ff2, ff, d);
}

static void print_ff(const char *prefix, const attn_linear_s8_params *ff1, const int8_t *gelu,
                     const attn_linear_s8_params *ff2)
{
    char part[PART_LEN], g[NAME_LEN];
    part_name(part, prefix, "ff1");
    print_linear(part, ff1, 5);
    part_name(part, prefix, "gelu");
    hdr_printf(",\n     %s,\n     ", sym(g, gelu, part));
    part_name(part, prefix, "ff2");
    print_linear(part, ff2, 5);
}

/* An encoder stack `st` ("enc_" / "" prefix): layer arrays, final norm. */
static void emit_enc_stack(const char *st, const attn_encoder_s8_params *p, int d, int ff)
{
    char prefix[PART_LEN], part[PART_LEN];
    int l;
    for (l = 0; l < p->n_layers; l++) {
        const attn_encoder_layer_s8_params *L = &p->layers[l];
        fmt(prefix, sizeof prefix, "%sl%d_", st, l);
        emit_mha(prefix, &L->attn, d);
        part_name(part, prefix, "norm1");
        emit_norm(part, &L->norm1, d);
        emit_ff(prefix, &L->ff1, L->gelu_table, &L->ff2, d, ff);
        part_name(part, prefix, "norm2");
        emit_norm(part, &L->norm2, d);
    }
    part_name(part, st, "norm");
    if (p->final_norm) emit_norm(part, &p->norm, d);
}

static void print_enc_layers(const char *st, const attn_encoder_s8_params *p)
{
    char prefix[PART_LEN], part[PART_LEN];
    int l;
    hdr_printf("static const attn_encoder_layer_s8_params %s_s8_%slayers[%d] = {\n", QS_NAME, st,
           p->n_layers);
    for (l = 0; l < p->n_layers; l++) {
        const attn_encoder_layer_s8_params *L = &p->layers[l];
        fmt(prefix, sizeof prefix, "%sl%d_", st, l);
        hdr_printf("    {");
        print_mha(prefix, &L->attn, "      ");
        hdr_printf(",\n     ");
        print_add(&L->add1);
        hdr_printf(",\n     ");
        part_name(part, prefix, "norm1");
        print_norm(part, &L->norm1);
        hdr_printf(",\n     ");
        print_ff(prefix, &L->ff1, L->gelu_table, &L->ff2);
        hdr_printf(",\n     ");
        print_add(&L->add2);
        hdr_printf(",\n     ");
        part_name(part, prefix, "norm2");
        print_norm(part, &L->norm2);
        hdr_printf("},\n");
    }
    hdr_printf("};\n\n");
}

#ifndef QS_LM
static void emit_dec_stack(const char *st, const attn_decoder_s8_params *p, int d, int ff)
{
    char prefix[PART_LEN], part[PART_LEN];
    int l;
    for (l = 0; l < p->n_layers; l++) {
        const attn_decoder_layer_s8_params *L = &p->layers[l];
        fmt(prefix, sizeof prefix, "%sl%d_sa_", st, l);
        emit_mha(prefix, &L->self_attn, d);
        fmt(prefix, sizeof prefix, "%sl%d_", st, l);
        part_name(part, prefix, "norm1");
        emit_norm(part, &L->norm1, d);
        fmt(prefix, sizeof prefix, "%sl%d_ca_", st, l);
        emit_mha(prefix, &L->cross_attn, d);
        fmt(prefix, sizeof prefix, "%sl%d_", st, l);
        part_name(part, prefix, "norm2");
        emit_norm(part, &L->norm2, d);
        emit_ff(prefix, &L->ff1, L->gelu_table, &L->ff2, d, ff);
        part_name(part, prefix, "norm3");
        emit_norm(part, &L->norm3, d);
    }
    part_name(part, st, "norm");
    if (p->final_norm) emit_norm(part, &p->norm, d);
}

static void print_dec_layers(const char *st, const attn_decoder_s8_params *p)
{
    char prefix[PART_LEN], part[PART_LEN];
    int l;
    hdr_printf("static const attn_decoder_layer_s8_params %s_s8_%slayers[%d] = {\n", QS_NAME, st,
           p->n_layers);
    for (l = 0; l < p->n_layers; l++) {
        const attn_decoder_layer_s8_params *L = &p->layers[l];
        hdr_printf("    {");
        fmt(prefix, sizeof prefix, "%sl%d_sa_", st, l);
        print_mha(prefix, &L->self_attn, "      ");
        fmt(prefix, sizeof prefix, "%sl%d_", st, l);
        hdr_printf(",\n     ");
        print_add(&L->add1);
        hdr_printf(",\n     ");
        part_name(part, prefix, "norm1");
        print_norm(part, &L->norm1);
        hdr_printf(",\n     ");
        fmt(prefix, sizeof prefix, "%sl%d_ca_", st, l);
        print_mha(prefix, &L->cross_attn, "      ");
        fmt(prefix, sizeof prefix, "%sl%d_", st, l);
        hdr_printf(",\n     ");
        print_add(&L->add2);
        hdr_printf(",\n     ");
        part_name(part, prefix, "norm2");
        print_norm(part, &L->norm2);
        hdr_printf(",\n     ");
        print_ff(prefix, &L->ff1, L->gelu_table, &L->ff2);
        hdr_printf(",\n     ");
        print_add(&L->add3);
        hdr_printf(",\n     ");
        part_name(part, prefix, "norm3");
        print_norm(part, &L->norm3);
        hdr_printf("},\n");
    }
    hdr_printf("};\n\n");
}
#endif

/* {layers, n_layers, final_norm, norm} of a stack */
static void print_stack(const char *st, int n_layers, int final_norm,
                        const attn_layernorm_s8_params *norm)
{
    char part[PART_LEN];
    hdr_printf("{%s_s8_%slayers, %d, %d, ", QS_NAME, st, n_layers, final_norm);
    part_name(part, st, "norm");
    print_norm(part, norm);
    hdr_printf("}");
}

static void upper_name(char *up)
{
    int i;
    fmt(up, PART_LEN, "%s", QS_NAME);
    for (i = 0; up[i]; i++)
        if (up[i] >= 'a' && up[i] <= 'z') up[i] = (char)(up[i] - 'a' + 'A');
}

/* ---- quantizing --------------------------------------------------------------- */

static void *aligned_block(size_t bytes, void **raw)
{
    unsigned char *p;
    *raw = malloc(bytes + ATTN_ALIGN);
    if (!*raw) {
        (void)fprintf(stderr, "quantize_seq2seq: out of memory (%lu bytes)\n",
                      (unsigned long)bytes);
        exit(1);
    }
    p = (unsigned char *)*raw;
    while ((size_t)p % ATTN_ALIGN) p++;
    return p;
}

static attn_arena g_store; /* the parameters' arrays, kept until exit */

static int quantize(void)
{
    size_t store_bytes = 0, scratch_bytes;
    void *raw_store, *raw_scratch[16];
    attn_arena scratch;
    attn_status st;
    int k = 0, i;
#ifdef QS_LM
    st = attn_quantize_lm_store_bytes(&QS_CFG, &QS_W, &store_bytes);
#else
    st = attn_quantize_seq2seq_store_bytes(&QS_CFG, &QS_W, &store_bytes);
#endif
    if (st != ATTN_OK) {
        (void)fprintf(stderr, "quantize_seq2seq: the store query: %s\n", attn_status_str(st));
        return 1;
    }
    attn_arena_init(&g_store, aligned_block(store_bytes, &raw_store), store_bytes);
    /* (each block kept until the end: nothing the quantizer saw is freed
       while it runs) */
    for (scratch_bytes = (size_t)1 << 20;; scratch_bytes *= 2) {
        attn_arena_init(&scratch, aligned_block(scratch_bytes, &raw_scratch[k++]), scratch_bytes);
#ifdef QS_LM
        st = attn_quantize_lm_s8(&g_q, &QS_CFG, &QS_W, &QS_SEQ[0][0], QS_SEQ_LEN, QS_N_CALIB,
                                 &g_store, &scratch);
#else
#if defined(QS_INPUT)
        st = attn_quantize_seq2seq_ex_s8(&g_q, &QS_CFG, &QS_W,
                                         (const float *)(const void *)QS_INPUT, NULL, NULL,
                                         QS_SRC_LEN, &QS_TGT[0][0], QS_TGT_LEN, QS_N_CALIB,
                                         &g_store, &scratch);
#elif defined(QS_SEG)
        st = attn_quantize_seq2seq_ex_s8(&g_q, &QS_CFG, &QS_W, NULL, &QS_SRC[0][0], &QS_SEG[0][0],
                                         QS_SRC_LEN, &QS_TGT[0][0], QS_TGT_LEN, QS_N_CALIB,
                                         &g_store, &scratch);
#else
        st = attn_quantize_seq2seq_ex_s8(&g_q, &QS_CFG, &QS_W, NULL, &QS_SRC[0][0], NULL,
                                         QS_SRC_LEN, &QS_TGT[0][0], QS_TGT_LEN, QS_N_CALIB,
                                         &g_store, &scratch);
#endif
#endif
        if (st != ATTN_ERR_ARENA || g_store.high_water > 0 || k == 11) break; /* 1 GB */
    }
    for (i = 0; i < k; i++) free(raw_scratch[i]);
    if (st != ATTN_OK) {
        (void)fprintf(stderr, "quantize_seq2seq: the quantizer: %s\n", attn_status_str(st));
        return 1;
    }
    if (g_store.high_water != store_bytes) {
        (void)fprintf(stderr, "quantize_seq2seq: the store query said %lu bytes, the quantizer "
                      "took %lu\n", (unsigned long)store_bytes, (unsigned long)g_store.high_water);
        return 1;
    }
    return 0;
}

/* ---- the header ---------------------------------------------------------------- */

#ifndef QS_LM
/* nonzero: the source has a front end (attn_seq2seq_cfg's src_*) */
static int qs_front(void)
{
    return QS_CFG.src_d_in != 0 || QS_CFG.src_patch != 0 || QS_CFG.src_cls_token != 0 ||
           QS_CFG.src_segments != 0;
}
#endif

/* The float header's size macros, for this header alone (define_once.h) */
static void print_sizes(const char *up)
{
#ifdef QS_LM
    const attn_encoder_cfg *ec = &QS_CFG.layers;
    hdr_size("D_MODEL", ec->d_model);
    hdr_size("N_HEADS", ec->n_heads);
    hdr_size("D_FF", ec->d_ff);
    hdr_size("N_LAYERS", QS_W.layers.n_layers);
    hdr_size("VOCAB", QS_CFG.vocab);
    hdr_size("MAX_LEN", QS_CFG.max_len);
#else
    const attn_encoder_cfg *ec = &QS_CFG.encoder;
    hdr_size("D_MODEL", ec->d_model);
    hdr_size("N_HEADS", ec->n_heads);
    hdr_size("D_FF", ec->d_ff);
    hdr_size("N_ENC_LAYERS", QS_W.encoder.n_layers);
    hdr_size("N_DEC_LAYERS", QS_W.decoder.n_layers);
    hdr_size("SRC_VOCAB", QS_CFG.src_vocab);
    hdr_size("TGT_VOCAB", QS_CFG.tgt_vocab);
    hdr_size("MAX_SRC", QS_CFG.max_src);
    if (qs_front()) {
        hdr_size("SRC_D_IN", QS_CFG.src_d_in);
        if (QS_CFG.src_patch > 0) {
            hdr_size("SRC_PATCH", QS_CFG.src_patch);
            hdr_size("SRC_CHANNELS", QS_CFG.src_channels);
            hdr_size("SRC_IMAGE_H", QS_CFG.src_image_h);
            hdr_size("SRC_IMAGE_W", QS_CFG.src_image_w);
            hdr_size("SRC_PATCHES", (long)(QS_CFG.src_image_h / QS_CFG.src_patch) *
                                        (long)(QS_CFG.src_image_w / QS_CFG.src_patch));
        }
        hdr_size("SRC_CLS_TOKEN", QS_CFG.src_cls_token);
        hdr_size("SRC_SEGMENTS", QS_CFG.src_segments);
    }
    hdr_size("MAX_TGT", QS_CFG.max_tgt);
#ifdef QS_BOS
    hdr_size("BOS", (long)(QS_BOS));
#endif
#endif
#ifdef QS_EOS
    hdr_size("EOS", (long)(QS_EOS));
#endif
    hdr_sizes(up, QS_NAME);
}

static const char *const k_act[3] = {"ATTN_ACT_RELU", "ATTN_ACT_GELU", "ATTN_ACT_GELU_TANH"};
static const char *const k_pos[3] = {"ATTN_POS_NONE", "ATTN_POS_SINUSOIDAL", "ATTN_POS_LEARNED"};

/* an attn_encoder_cfg initialiser */
static void print_enc_cfg(const attn_encoder_cfg *e)
{
    hdr_printf("{%d, %d, %d, %s, %d /*norm_first*/, %d /*causal*/, ", e->d_model, e->n_heads,
               e->d_ff, k_act[(int)e->activation], e->norm_first, e->causal);
    print_float(e->eps);
    hdr_printf(" /*eps*/, %d /*window*/}", e->window);
}

/* QS_NAME_s8_cfg: the model's configuration (QS_NAME_cfg of the float
   header), for this header alone */
static void print_cfg(void)
{
#ifdef QS_LM
    hdr_printf("/* the configuration (%s_cfg of %s_model.h) */\n"
               "static const attn_lm_cfg %s_s8_cfg = {\n    ", QS_NAME, QS_NAME, QS_NAME);
    print_enc_cfg(&QS_CFG.layers);
    hdr_printf(",\n    %d /*vocab*/, %d /*max_len*/, %s, ", QS_CFG.vocab, QS_CFG.max_len,
               k_pos[(int)QS_CFG.position]);
    print_float(QS_CFG.embed_scale);
    hdr_printf(" /*embed_scale*/, %d /*embed_norm*/};\n", QS_CFG.embed_norm);
#else
    hdr_printf("/* the configuration (%s_cfg of %s_model.h) */\n"
               "static const attn_seq2seq_cfg %s_s8_cfg = {\n    ", QS_NAME, QS_NAME, QS_NAME);
    print_enc_cfg(&QS_CFG.encoder);
    hdr_printf(",\n    ");
    print_enc_cfg(&QS_CFG.decoder);
    hdr_printf(",\n    %d /*src_vocab*/, %d /*tgt_vocab*/, %d /*max_src*/, %d /*max_tgt*/, %s,\n"
               "    ", QS_CFG.src_vocab, QS_CFG.tgt_vocab, QS_CFG.max_src, QS_CFG.max_tgt,
               k_pos[(int)QS_CFG.position]);
    print_float(QS_CFG.embed_scale);
    hdr_printf(" /*embed_scale*/, %d /*embed_norm*/, %d /*src_d_in*/, %d /*src_patch*/,\n"
               "    %d, %d, %d /*src_channels, src_image_h, src_image_w*/, %d /*src_cls_token*/,\n"
               "    %d /*src_segments*/};\n", QS_CFG.embed_norm, QS_CFG.src_d_in,
               QS_CFG.src_patch, QS_CFG.src_channels, QS_CFG.src_image_h, QS_CFG.src_image_w,
               QS_CFG.src_cls_token, QS_CFG.src_segments);
#endif
}

static void print_header(void)
{
    char up[PART_LEN];
#ifdef QS_LM
    const attn_encoder_cfg *ec = &QS_CFG.layers;
#else
    const attn_encoder_cfg *ec = &QS_CFG.encoder, *dc = &QS_CFG.decoder;
#endif
    upper_name(up);
    hdr_printf("/* %s_model_s8.h - the int8 model, generated by tools/quantize_seq2seq.c with\n"
           "   attention.h %d.%d.%d's quantizer (min/max calibration on %d sequences,\n"
           "   teacher-forced); do not edit. Include it alone or after %s_model.h.\n"
           "   Use it (as the float model, with the _s8 functions and this header's sizes):\n"
           "       static uint8_t cache_buf[%s_S8_CACHE_BYTES] ATTN_ALIGNED;\n"
           "       static uint8_t arena_buf[%s_S8_SCRATCH_BYTES] ATTN_ALIGNED;\n"
           "       attn_arena_init(&store, cache_buf, sizeof cache_buf);\n",
           QS_NAME, ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH, QS_N_CALIB,
           QS_NAME, up, up);
#ifdef QS_LM
    hdr_printf("       attn_kv_cache_init_s8(&cache, %s_N_LAYERS, %s_D_MODEL, %s_MAX_LEN, 0, &store);\n"
           "       attn_arena_init(&arena, arena_buf, sizeof arena_buf);\n"
           "       attn_lm_greedy_s8(out, &n, max_out, prompt, prompt_len, eos, &cache,\n"
           "                         &%s_s8_cfg, &%s_s8, &arena);\n",
           up, up, up, QS_NAME, QS_NAME);
#else
    hdr_printf("       attn_kv_cache_init_s8(&cache, %s_N_DEC_LAYERS, %s_D_MODEL, %s_MAX_TGT,\n"
           "                             %s_MAX_SRC, &store);\n"
           "       attn_arena_init(&arena, arena_buf, sizeof arena_buf);\n",
           up, up, up, up);
    if (!qs_front())
        hdr_printf("       attn_seq2seq_greedy_s8(out, &n, max_out, src, src_len, bos, eos, &cache,\n"
               "                              &%s_s8_cfg, &%s_s8, &arena);\n",
               QS_NAME, QS_NAME);
    else /* a source with a front end: encode, then decode */
        hdr_printf("       attn_seq2seq_encode_ex_s8(&cache, input, src, segments, src_len,\n"
               "                                 &%s_s8_cfg, &%s_s8, &arena);\n"
               "       attn_seq2seq_generate_s8(out, &n, max_out, bos, eos, &cache,\n"
               "                                &%s_s8_cfg, &%s_s8, &arena);\n"
               "   input: the float features or image in int8 at %s_s8.src_in_scale and\n"
               "   src_in_zp (attn_quantize_s8), src NULL; or input NULL and token ids src\n"
               "   (segments: their segment ids, or NULL).\n",
               QS_NAME, QS_NAME, QS_NAME, QS_NAME, QS_NAME);
#endif
    hdr_printf("   Logits of the _step_s8 functions: real = %.9g * (q - %ld). */\n"
           "#ifndef %s_MODEL_S8_H\n#define %s_MODEL_S8_H\n\n#include \"attention.h\"\n\n",
           (double)g_q.logit_scale, (long)g_q.logit_zp, up, up);
    print_sizes(up);

    /* arrays first */
#ifdef QS_LM
    print_array("int8_t", 1, format_s8, "embed", g_q.embed,
                (size_t)QS_CFG.vocab * (size_t)ec->d_model);
    if (g_q.pos)
        print_array("int8_t", 1, format_s8, "pos", g_q.pos,
                    (size_t)QS_CFG.max_len * (size_t)ec->d_model);
    if (QS_CFG.embed_norm) emit_norm("embed_norm", &g_q.embed_norm, ec->d_model);
    emit_enc_stack("", &g_q.layers, ec->d_model, ec->d_ff);
    emit_linear("out", &g_q.out, ec->d_model, QS_CFG.vocab);
    hdr_printf("\n");
    print_enc_layers("", &g_q.layers);
    hdr_printf("static const attn_lm_s8_params %s_s8 = {\n    %s_s8_embed, ", QS_NAME, QS_NAME);
    if (g_q.pos) hdr_printf("%s_s8_pos,\n    ", QS_NAME);
    else hdr_printf("NULL,\n    ");
    print_add(&g_q.pos_add);
    hdr_printf(",\n    ");
    print_stack("", g_q.layers.n_layers, g_q.layers.final_norm, &g_q.layers.norm);
    hdr_printf(",\n    ");
#else
    if (g_q.src_embed)
        print_array("int8_t", 1, format_s8, "src_embed", g_q.src_embed,
                    (size_t)QS_CFG.src_vocab * (size_t)ec->d_model);
    print_array("int8_t", 1, format_s8, "tgt_embed", g_q.tgt_embed,
                (size_t)QS_CFG.tgt_vocab * (size_t)ec->d_model);
    if (g_q.src_pos)
        print_array("int8_t", 1, format_s8, "src_pos", g_q.src_pos,
                    (size_t)QS_CFG.max_src * (size_t)ec->d_model);
    if (g_q.tgt_pos)
        print_array("int8_t", 1, format_s8, "tgt_pos", g_q.tgt_pos,
                    (size_t)QS_CFG.max_tgt * (size_t)ec->d_model);
    if (QS_CFG.embed_norm) {
        emit_norm("src_embed_norm", &g_q.src_embed_norm, ec->d_model);
        emit_norm("tgt_embed_norm", &g_q.tgt_embed_norm, dc->d_model);
    }
    /* the source's front end */
    if (QS_CFG.src_d_in > 0) emit_linear("src_in", &g_q.src_in, QS_CFG.src_d_in, ec->d_model);
    if (g_q.src_cls_token)
        print_array("int8_t", 1, format_s8, "src_cls_token", g_q.src_cls_token,
                    (size_t)ec->d_model);
    if (g_q.src_segment_embed)
        print_array("int8_t", 1, format_s8, "src_segment_embed", g_q.src_segment_embed,
                    (size_t)QS_CFG.src_segments * (size_t)ec->d_model);
    emit_enc_stack("enc_", &g_q.encoder, ec->d_model, ec->d_ff);
    emit_dec_stack("dec_", &g_q.decoder, dc->d_model, dc->d_ff);
    emit_linear("out", &g_q.out, dc->d_model, QS_CFG.tgt_vocab);
    hdr_printf("\n");
    print_enc_layers("enc_", &g_q.encoder);
    print_dec_layers("dec_", &g_q.decoder);
    {
        char a[NAME_LEN], b[NAME_LEN];
        char e[NAME_LEN];
        hdr_printf("static const attn_seq2seq_s8_params %s_s8 = {\n    %s, %s_s8_tgt_embed,"
               "\n    %s, %s,\n    ", QS_NAME, sym(e, g_q.src_embed, "src_embed"), QS_NAME,
               sym(a, g_q.src_pos, "src_pos"), sym(b, g_q.tgt_pos, "tgt_pos"));
    }
    print_add(&g_q.src_pos_add);
    hdr_printf(",\n    ");
    print_add(&g_q.tgt_pos_add);
    hdr_printf(",\n    ");
    print_stack("enc_", g_q.encoder.n_layers, g_q.encoder.final_norm, &g_q.encoder.norm);
    hdr_printf(",\n    ");
    print_stack("dec_", g_q.decoder.n_layers, g_q.decoder.final_norm, &g_q.decoder.norm);
    hdr_printf(",\n    ");
#endif
    print_linear("out", &g_q.out, 4);
    hdr_printf(",\n    ");
    print_float(g_q.logit_scale);
    hdr_printf(", %ld,\n    ", (long)g_q.logit_zp);
#ifdef QS_LM
    print_norm("embed_norm", &g_q.embed_norm);
#else
    print_norm("src_embed_norm", &g_q.src_embed_norm);
    hdr_printf(",\n    ");
    print_norm("tgt_embed_norm", &g_q.tgt_embed_norm);
    { /* the source's front end */
        char a[NAME_LEN], b[NAME_LEN];
        hdr_printf(",\n    ");
        print_linear("src_in", &g_q.src_in, 4);
        hdr_printf(",\n    ");
        print_float(g_q.src_in_scale);
        hdr_printf(", %ld,\n    %s, %s,\n    ", (long)g_q.src_in_zp,
               sym(a, g_q.src_cls_token, "src_cls_token"),
               sym(b, g_q.src_segment_embed, "src_segment_embed"));
        print_add(&g_q.src_segment_add);
    }
#endif
    hdr_printf("};\n\n");
    hdr_printf("/* bytes of the arrays above (flash; the parameter structs not counted) */\n"
           "#define %s_S8_WEIGHT_BYTES %lu\n", up, g_bytes);
#ifdef QS_LM
    hdr_printf("/* the int8 cache (attn_kv_cache_init_s8) and the arena of attn_lm_*_s8 */\n"
           "#define %s_S8_CACHE_BYTES ATTN_KV_CACHE_BYTES_S8(%s_N_LAYERS, %s_MAX_LEN, 0, %s_D_MODEL)\n"
           "#define %s_S8_SCRATCH_BYTES \\\n"
           "    ATTN_LM_SCRATCH_S8(%s_MAX_LEN, %s_D_MODEL, %s_D_FF, %s_VOCAB)\n",
           up, up, up, up, up, up, up, up, up);
#else
    hdr_printf("/* the int8 cache (attn_kv_cache_init_s8) and the arena of attn_seq2seq_*_s8 */\n"
           "#define %s_S8_CACHE_BYTES \\\n"
           "    ATTN_KV_CACHE_BYTES_S8(%s_N_DEC_LAYERS, %s_MAX_TGT, %s_MAX_SRC, %s_D_MODEL)\n",
           up, up, up, up, up);
    if (!qs_front())
        hdr_printf("#define %s_S8_SCRATCH_BYTES \\\n"
               "    ATTN_SEQ2SEQ_SCRATCH_S8(%s_MAX_SRC, %s_MAX_TGT, %s_D_MODEL, %s_D_FF, "
               "%s_TGT_VOCAB)\n", up, up, up, up, up, up);
    else /* patch_in: an image source's patch */
        hdr_printf("#define %s_S8_SCRATCH_BYTES \\\n"
               "    ATTN_SEQ2SEQ_SCRATCH_EX_S8(%s_MAX_SRC, %s_MAX_TGT, %s_D_MODEL, %s_D_FF, \\\n"
               "                               %s_TGT_VOCAB, %s%s)\n", up, up, up, up, up, up,
               QS_CFG.src_patch > 0 ? up : "0", QS_CFG.src_patch > 0 ? "_SRC_D_IN" : "");
#endif
    print_cfg();
    hdr_printf("\n#endif /* %s_MODEL_S8_H */\n", up);
}

int main(int argc, char **argv)
{
    if (quantize()) return 1;
    if (argc > 1 && strcmp(argv[1], "--run") == 0) {
#ifdef QS_RUN
        return rs_main();
#else
        (void)fprintf(stderr, "quantize_seq2seq: built without QS_RUN\n");
        return 1;
#endif
    }
    print_header();
    {
        char guard[PART_LEN + 16];
        upper_name(guard);
        (void)strcat(guard, "_MODEL_S8_H");
        return define_once(guard);
    }
}
