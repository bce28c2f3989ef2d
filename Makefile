# attention.h - build, test, demo, benchmarks. `make help` prints the list
# below (one line per target); make test checks that it names every .PHONY
# target and nothing else (tools/make_help.sh).
#   make test          everything: host builds, each board x compiler under QEMU; ends "N passed, N failed"
#   make test-host     the host builds only (no cross tools, no installs, no QEMU); the same last line
#   make test-BOARD    the test runner on one board under QEMU: its four programs (encoder side, decoder side, bad input, attention forms)
#   make digits-BOARD  the digits classifier on one board (instructions per inference)
#   make g2p           the grapheme-to-phoneme encoder-decoder on the host (float and int8)
#   make g2p-BOARD     the same on one board (instructions per word and per token)
#   make g2p-s8        rewrite examples/g2p/g2p_model_s8.h with the quantizer (make test checks it)
#   make g2p-data      rebuild examples/g2p/g2p_data.tsv from wamerican + espeak-ng
#   make g2p-train     retrain the g2p model and rewrite its outputs (PyTorch, ~20 min)
#   make g2p-export    export it again: g2p_model.h, g2p_calib.h, g2p_model_s8.h, verified
#   make demo-BOARD    the demo model on one board (not m0: it does not fit)
#   make demo          the digits classifier on the host, then on the M4 when the tools are there
#   make examples      the host examples (minimal, demo, digits, g2p)
#   make digits-s8     rewrite examples/digits/digits_model_s8.h with the quantizer (make test checks it)
#   make digits-vit-s8 the same for the ViT digits model: examples/digits/digits_vit_model_s8.h
#   make digits-vit-train  retrain the ViT digits model and rewrite its headers (PyTorch, ~1 min)
#   make bench         instruction counts, every board and compiler -> BENCHMARKS.md, build/bench/results.csv
#   make bench-riscv   instruction counts on the RISC-V boards alone -> BENCHMARKS.md, build/bench/riscv.csv
#   make bench-host    host timing of encoder layers -> stdout (see BENCHMARKS.md)
#   make fuzz          every libFuzzer target (tests/fuzz) for FUZZ_SECONDS each; new inputs merged into the corpus
#   make size          flash of the library per core and compiler -> BENCHMARKS.md
#   make stack         stack per public function, painted under QEMU (M0, M4) and static -> BENCHMARKS.md
#   make lint          cppcheck, clang-tidy, gcc -fanalyzer and -Wconversion on the library and its C files; 0 findings or it fails
#   make lint-deps     install cppcheck and clang-tidy if missing (Debian packages)
#   make ports-deps    install the cross compilers and QEMU if missing (Debian packages)
#   make m32-deps      install gcc-multilib if gcc -m32 cannot build (Debian package)
#   make python-deps   install python3-torch and python3-numpy if PYTHON (/usr/bin/python3) lacks them (Debian packages)
#   make test-export   tools/export.py's export tests alone (tests/export: classifiers, encoder-decoders, decoder-only, model blobs)
#   make test-pkg      the build-system checks alone: CMake (tests/cmake: host and M4, three routes) and the manifests (tests/manifests)
#   make cmake-deps    install cmake if missing (Debian package)
#   make all           the host test runners and examples
#   make help          this list
#   make clean         remove build/
#   (BOARD: m0 m3 m4 m7 m33 m55, or with -clang for clang's build: test-m4-clang;
#    RISC-V, gcc only: rv32imac rv32imafc sifive_e, e.g. test-rv32imac)
# Cross builds (ports/) derive their tools from CROSS_COMPILE.

CROSS_COMPILE ?= arm-none-eabi-
CROSS_CC      := $(CROSS_COMPILE)gcc
CROSS_SIZE    := $(CROSS_COMPILE)size

HOST_CC  ?= gcc
CLANG    ?= clang
HOST_CXX ?= g++

WARN := -std=c99 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wdouble-promotion \
        -Wcast-align -Wstrict-prototypes -Wundef
CXXWARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wcast-align -Wundef
# on every compile of the library and of the C files beside it (not yet on
# tests/*.c, which are built with these flags off)
CONV := -Wconversion -Wsign-conversion
SAN := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer

B := build
TEST_SRC := tests/main.c tests/test_golden.c tests/test_props.c tests/bad_input.c \
            tests/test_bad_input.c tests/test_bad_s8.c tests/test_quant.c tests/test_s8.c \
            tests/ref_s8.c tests/test_fast.c tests/test_hardening.c tests/portable.c \
            tests/test_fuzz_found.c tests/test_decoder.c tests/test_additive.c tests/test_bad_add.c \
            tests/test_blob.c tests/test_bad_blob.c
# The boards' three test programs (tests/check.h: the parts of the suite),
# each of TEST_SRC's files that its part calls, with main.c and impl.c:
#   test      the encoder side, CHECK_PART_ENCODER (its golden cases)
#   test-dec  the decoder side, CHECK_PART_DECODER (issue 10; its golden cases)
#   test-bad  every bad-input table, both sides, CHECK_PART_BAD_INPUT
#   test-forms  the attention forms of issue 11 (additive attention), its
#             golden cases, CHECK_PART_FORMS (their bad-input rows: test-bad)
#   test-blob the model blobs of issue 12, CHECK_PART_BLOB: the real models'
#             blobs (made at build time by tools/blob_model.c into
#             build/blob/blob_*.h) beside their headers, and tiny ones
#             (their bad-input rows: test-bad)
# The host runs all five parts in one program of TEST_SRC.
TEST_PROGS := test test-dec test-bad test-forms test-blob
TEST_SRC_ENC := tests/test_golden.c tests/test_props.c tests/test_quant.c tests/test_s8.c \
                tests/ref_s8.c tests/test_fast.c tests/test_hardening.c tests/portable.c \
                tests/test_fuzz_found.c
TEST_SRC_DEC := tests/test_golden.c tests/ref_s8.c tests/test_decoder.c
TEST_SRC_BAD := tests/bad_input.c tests/test_bad_input.c tests/test_bad_s8.c tests/ref_s8.c \
                tests/test_bad_add.c tests/test_bad_blob.c
TEST_SRC_FORMS := tests/test_golden.c tests/ref_s8.c tests/test_additive.c tests/test_s8.c tests/test_quant.c
TEST_SRC_BLOB := tests/test_blob.c
# the model blobs test_blob.c loads: each model header's blob as a C array
# (build/blob/blob_NAME.h, static const unsigned char blob_NAME[]) written by
# tools/blob_model.c built against the header (build/blob/NAME/bm_input.h)
BLOB_MODELS := digits_f32 digits_s8 digits_vit_f32 digits_vit_s8 g2p_f32 g2p_s8
BLOB_HDRS := $(foreach m,$(BLOB_MODELS),$(B)/blob/blob_$(m).h)
BLOB_INC := -I$(B)/blob -Iexamples/digits -Iexamples/g2p
TEST_DEP := $(TEST_SRC) tests/impl.c tests/check.h tests/bad_input.h tests/ref_s8.h \
            tests/golden/golden.h tests/golden_view.h tests/blob_tiny.h $(BLOB_HDRS) \
            tests/golden_run.h tests/float_fast.h tests/golden/golden_data.h attention.h
TEST_BINS := $(B)/test-gcc $(B)/test-clang $(B)/test-asan $(B)/test-cxx

.PHONY: all test test-host demo bench-host examples clean help
all: $(TEST_BINS) examples

help:
	@sh tools/make_help.sh Makefile

$(B):
	@mkdir -p $(B)

# --- the test runner, five ways ----------------------------------------------
$(B)/test-gcc: $(TEST_DEP) | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Itests $(BLOB_INC) $(TEST_SRC) tests/impl.c -lm -o $@
$(B)/test-clang: $(TEST_DEP) | $(B)
	$(CLANG) $(WARN) $(CONV) -O2 -I. -Itests $(BLOB_INC) $(TEST_SRC) tests/impl.c -lm -o $@
$(B)/test-asan: $(TEST_DEP) | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O1 -g $(SAN) -I. -Itests $(BLOB_INC) $(TEST_SRC) tests/impl.c -lm -o $@
# the library compiled as C++98 (tests stay C) and linked together
$(B)/impl-cxx.o: tests/impl.c attention.h | $(B)
	$(HOST_CXX) -std=c++98 $(CXXWARN) $(CONV) -O2 -I. -x c++ -c tests/impl.c -o $@
# (the test files compiled as C, one object each)
CXX_TEST_OBJS := $(patsubst tests/%.c,$(B)/cxx/%.o,$(TEST_SRC))
$(B)/cxx/%.o: tests/%.c $(TEST_DEP)
	@mkdir -p $(@D)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Itests $(BLOB_INC) -c $< -o $@
$(B)/test-cxx: $(CXX_TEST_OBJS) $(B)/impl-cxx.o
	$(HOST_CXX) $^ -lm -o $@
# 32-bit (gcc -m32, Debian's gcc-multilib; make m32-deps installs it, make
# test first runs it, make test-host only checks): int, long and pointers of
# 32 bits, as on the boards, under ASan + UBSan, and i386's own x87 float
# arithmetic (FLT_EVAL_METHOD 2: float expressions in 80 bits, which the
# library and the tests must not depend on).
M32 := -m32
$(B)/test-m32: $(TEST_DEP) | $(B) $(if $(filter test-host,$(MAKECMDGOALS)),,m32-deps)
	@HOST_CC='$(HOST_CC)' sh $(PORT)/install-deps.sh --check m32
	$(HOST_CC) $(M32) $(WARN) $(CONV) -O1 -g $(SAN) -I. -Itests $(BLOB_INC) $(TEST_SRC) tests/impl.c -lm -o $@
.PHONY: m32-deps
m32-deps:
	@HOST_CC='$(HOST_CC)' sh $(PORT)/install-deps.sh m32

# --- model blobs of the example models (tests/test_blob.c) ---------------------
# tools/blob_model.c built against each model header (bm_input.h: its
# includes, with the headers' NAME_IMPLEMENTATION defines, and BM_KIND,
# BM_CFG, BM_W), then run: build/blob/blob_NAME.h
bm_digits_f32 := DIGITS_MODEL:digits_model 1 digits_cfg digits_weights
bm_digits_s8  := DIGITS_MODEL:digits_model,DIGITS_MODEL_S8:digits_model_s8 2 digits_cfg digits_s8
bm_digits_vit_f32 := DIGITS_VIT_MODEL:digits_vit_model 1 digits_vit_cfg digits_vit_weights
bm_digits_vit_s8  := DIGITS_VIT_MODEL:digits_vit_model,DIGITS_VIT_MODEL_S8:digits_vit_model_s8 2 \
                     digits_vit_cfg digits_vit_s8
bm_g2p_f32    := G2P_MODEL:g2p_model 3 g2p_cfg g2p_weights
bm_g2p_s8     := G2P_MODEL:g2p_model,G2P_MODEL_S8:g2p_model_s8 4 g2p_cfg g2p_s8
bmdep_digits_f32 := examples/digits/digits_model.h
bmdep_digits_s8  := examples/digits/digits_model.h examples/digits/digits_model_s8.h
bmdep_digits_vit_f32 := examples/digits/digits_vit_model.h
bmdep_digits_vit_s8  := examples/digits/digits_vit_model.h examples/digits/digits_vit_model_s8.h
bmdep_g2p_f32    := examples/g2p/g2p_model.h
bmdep_g2p_s8     := examples/g2p/g2p_model.h examples/g2p/g2p_model_s8.h
define BLOB_RULE
$(B)/blob/$(1)/bm_input.h: Makefile | $(B)
	@mkdir -p $$(@D)
	@for h in $$(subst $$(comma), ,$$(word 1,$$(bm_$(1)))); do \
	    printf '#define %s_IMPLEMENTATION\n#include "%s.h"\n' "$$$${h%%:*}" "$$$${h#*:}"; done > $$@
	@printf '#define BM_KIND %s\n#define BM_CFG %s\n#define BM_W %s\n' \
	    $$(word 2,$$(bm_$(1))) $$(word 3,$$(bm_$(1))) $$(word 4,$$(bm_$(1))) >> $$@
$(B)/blob/$(1)/blob_model: tools/blob_model.c attention.h $(bmdep_$(1)) $(B)/blob/$(1)/bm_input.h
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Iexamples/digits -Iexamples/g2p -I$(B)/blob/$(1) $$< -lm -o $$@
$(B)/blob/blob_$(1).h: $(B)/blob/$(1)/blob_model
	./$$< -c blob_$(1) $$@
endef
comma := ,
$(foreach m,$(BLOB_MODELS),$(eval $(call BLOB_RULE,$(m))))

# --- compile-only checks of the header -----------------------------------------
$(B)/impl.o: tests/impl.c attention.h | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -c tests/impl.c -o $@
$(B)/impl-static.o: tests/impl.c attention.h | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -DATTN_STATIC -Wno-unused-function -c tests/impl.c -o $@
$(B)/impl-nofloat.o: tests/impl.c attention.h | $(B)
	$(CLANG) $(WARN) $(CONV) -O2 -I. -DATTN_NO_FLOAT -c tests/impl.c -o $@
$(B)/impl-noint8.o: tests/impl.c attention.h | $(B)
	$(CLANG) $(WARN) $(CONV) -O2 -I. -DATTN_NO_INT8 -c tests/impl.c -o $@
$(B)/impl-noblob.o: tests/impl.c attention.h | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -DATTN_NO_BLOB -c tests/impl.c -o $@

# --- examples -----------------------------------------------------------------
$(B)/minimal: examples/minimal.c attention.h | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. $< -lm -o $@
$(B)/demo: examples/demo.c attention.h | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. $< -lm -o $@
DIGITS_DEP := examples/digits/digits.c examples/digits/digits_model.h \
              examples/digits/digits_model_s8.h examples/digits/digits_data.h \
              examples/digits/digits_vit_model.h examples/digits/digits_vit_model_s8.h \
              examples/digits/digits_vit_data.h attention.h
$(B)/digits: $(DIGITS_DEP) | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Iexamples/digits $< -lm -o $@
# the grapheme-to-phoneme encoder-decoder (examples/g2p): make g2p
G2P_DEP := examples/g2p/g2p.c examples/g2p/g2p_model.h examples/g2p/g2p_model_s8.h \
           examples/g2p/g2p_words.h attention.h
$(B)/g2p: $(G2P_DEP) | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Iexamples/g2p $< -lm -o $@
.PHONY: g2p
g2p: $(B)/g2p
	./$(B)/g2p
# the int8 g2p model from the committed float model and calibration data,
# with attention.h's quantizer (tools/quantize_seq2seq.c): `make g2p-s8`
# rewrites g2p_model_s8.h; make test checks it is current
$(B)/qs-g2p/qs_input.h: | $(B)
	@mkdir -p $(@D)
	@printf '%s\n' '#define G2P_MODEL_IMPLEMENTATION' '#include "g2p_model.h"' \
	    '#include "g2p_calib.h"' '#define QS_BOS G2P_BOS' '#define QS_EOS G2P_EOS' \
	    '#define QS_NAME "g2p"' '#define QS_CFG g2p_cfg' '#define QS_W g2p_weights' \
	    '#define QS_N_CALIB G2P_N_CALIB' '#define QS_SRC g2p_calib_src' \
	    '#define QS_SRC_LEN g2p_calib_src_len' '#define QS_TGT g2p_calib_tgt' \
	    '#define QS_TGT_LEN g2p_calib_tgt_len' > $@
$(B)/qs-g2p/quantize_seq2seq: tools/quantize_seq2seq.c tools/run_seq2seq.h attention.h \
                              examples/g2p/g2p_model.h examples/g2p/g2p_calib.h \
                              $(B)/qs-g2p/qs_input.h
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Iexamples/g2p -I$(B)/qs-g2p $< -lm -o $@
$(B)/qs-g2p/g2p_model_s8.h: $(B)/qs-g2p/quantize_seq2seq
	./$< > $@
.PHONY: g2p-s8
g2p-s8: $(B)/qs-g2p/g2p_model_s8.h
	cp $< examples/g2p/g2p_model_s8.h
# the g2p pipeline from the raw data (not part of make test; PyTorch and
# espeak-ng from Debian): the data, training (~20 min), the export
.PHONY: g2p-data g2p-train g2p-export
g2p-data:
	/usr/bin/python3 examples/g2p/make_data.py
g2p-train:
	nice /usr/bin/python3 examples/g2p/train.py
g2p-export:
	/usr/bin/python3 examples/g2p/g2p_export.py
examples: $(B)/minimal $(B)/demo $(B)/digits $(B)/g2p

# the int8 digits model from the committed float model and calibration data,
# by tools/quantize_model.c (what tools/export.py runs; no Python needed):
# `make digits-s8` rewrites digits_model_s8.h; make test checks it is current
$(B)/qm-digits/quant_input.h: | $(B)
	@mkdir -p $(@D)
	@printf '%s\n' '#define DIGITS_MODEL_IMPLEMENTATION' '#include "digits_model.h"' \
	    '#include "digits_calib.h"' '#define QM_MODEL_SEQ DIGITS_SEQ' \
	    '#define QM_NAME "digits"' '#define QM_CFG digits_cfg' \
	    '#define QM_WEIGHTS digits_weights' '#define QM_CALIB digits_calib' \
	    '#define QM_N_CALIB DIGITS_N_CALIB' '#define QM_SEQ DIGITS_CALIB_SEQ' \
	    '#define QM_PADDING DIGITS_CALIB_PADDING' > $@
$(B)/qm-digits/quantize_model: tools/quantize_model.c attention.h examples/digits/digits_model.h \
                               examples/digits/digits_calib.h $(B)/qm-digits/quant_input.h
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Iexamples/digits -I$(B)/qm-digits $< -lm -o $@
$(B)/qm-digits/digits_model_s8.h: $(B)/qm-digits/quantize_model
	./$< > $@
.PHONY: digits-s8
digits-s8: $(B)/qm-digits/digits_model_s8.h
	cp $< examples/digits/digits_model_s8.h
# the same for the ViT digits model (examples/digits/train_vit.py: patches, a
# CLS row, attention pooling), calibrated on images: `make digits-vit-s8`
# rewrites digits_vit_model_s8.h; make test checks it is current
$(B)/qm-digits-vit/quant_input.h: | $(B)
	@mkdir -p $(@D)
	@printf '%s\n' '#define DIGITS_VIT_MODEL_IMPLEMENTATION' '#include "digits_vit_model.h"' \
	    '#include "digits_vit_calib.h"' '#define QM_MODEL_SEQ DIGITS_VIT_SEQ' \
	    '#define QM_NAME "digits_vit"' '#define QM_CFG digits_vit_cfg' \
	    '#define QM_WEIGHTS digits_vit_weights' '#define QM_CALIB digits_vit_calib' \
	    '#define QM_N_CALIB DIGITS_VIT_N_CALIB' '#define QM_SEQ DIGITS_VIT_CALIB_SEQ' \
	    '#define QM_PADDING DIGITS_VIT_CALIB_PADDING' > $@
$(B)/qm-digits-vit/quantize_model: tools/quantize_model.c attention.h \
                                   examples/digits/digits_vit_model.h \
                                   examples/digits/digits_vit_calib.h \
                                   $(B)/qm-digits-vit/quant_input.h
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. -Iexamples/digits -I$(B)/qm-digits-vit $< -lm -o $@
$(B)/qm-digits-vit/digits_vit_model_s8.h: $(B)/qm-digits-vit/quantize_model
	./$< > $@
.PHONY: digits-vit-s8
digits-vit-s8: $(B)/qm-digits-vit/digits_vit_model_s8.h
	cp $< examples/digits/digits_vit_model_s8.h
# its training (not part of make test): PyTorch, about a minute of one CPU
.PHONY: digits-vit-train
digits-vit-train:
	nice $(PYTHON) examples/digits/train_vit.py

# the digits classifier on the host, then on the M4 board when the ARM tools
# and QEMU are there (counting instructions under -icount)
demo: $(B)/digits
	./$(B)/digits
	@if command -v $(CROSS_CC) >/dev/null 2>&1 && command -v qemu-system-arm >/dev/null 2>&1; \
	then $(MAKE) --no-print-directory digits-m4; \
	else echo "(no $(CROSS_CC) or qemu-system-arm: skipping the M4 run; make ports-deps installs them)"; fi

# --- tools/export.py: classifiers, encoder-decoders, decoder-only models (tests/export)
# tests/export/test_export.py exports small random Seq2Seq / DecoderLM models
# float and int8, each verified by a C program against PyTorch (tools/
# run_seq2seq.c, tools/quantize_seq2seq.c), the same for Classifiers (ViT
# patches, BERT tokens, windows; tools/run_model.c, tools/quantize_model.c;
# int8 ViT and token models), and checks the refusals. It needs
# PYTHON with PyTorch (Debian's python3-torch): make python-deps installs it,
# make test first runs that, make test-host only checks. Its output goes to
# build/export/log (last line "N passed, N failed"), which tests/run_suite.sh
# counts; the rule itself succeeds, as lint's does.
PYTHON ?= /usr/bin/python3
EXPORT_DEP := tests/export/test_export.py tests/export/test_byom.py tests/export/byom_models.py \
              tools/export.py tools/byom.py tools/run_seq2seq.c tools/run_seq2seq.h \
              tools/quantize_seq2seq.c tools/run_model.c tools/quantize_model.c attention.h
EXPORT_CHECKS := $(B)/export/log $(B)/export/blob.log
$(B)/export/log: $(EXPORT_DEP) | $(B) $(if $(filter test-host,$(MAKECMDGOALS)),,python-deps)
	@mkdir -p $(@D)/work
	@PYTHON='$(PYTHON)' sh $(PORT)/install-deps.sh --check python
	@echo "tests/export/test_export.py > $@"
	@timeout 600 $(PYTHON) tests/export/test_export.py --cc '$(HOST_CC)' --cxx '$(HOST_CXX)' $(@D)/work \
	    > $@ 2>&1 || true
.PHONY: python-deps test-export
python-deps:
	@PYTHON='$(PYTHON)' sh $(PORT)/install-deps.sh python
test-export: | python-deps
	$(PYTHON) tests/export/test_export.py --cc '$(HOST_CC)' --cxx '$(HOST_CXX)'
	$(PYTHON) tests/export/test_blob_export.py --cc '$(HOST_CC)'
# export_blob (tools/export.py -> tools/blob_model.c) on the example models:
# build/export/blob.log, counted as the other log is
$(B)/export/blob.log: tests/export/test_blob_export.py tools/export.py tools/blob_model.c attention.h \
                      $(bmdep_digits_s8) $(bmdep_g2p_s8) | $(B) $(if $(filter test-host,$(MAKECMDGOALS)),,python-deps)
	@mkdir -p $(@D)/blob-work
	@PYTHON='$(PYTHON)' sh $(PORT)/install-deps.sh --check python
	@echo "tests/export/test_blob_export.py > $@"
	@timeout 600 $(PYTHON) tests/export/test_blob_export.py --cc '$(HOST_CC)' $(@D)/blob-work \
	    > $@ 2>&1 || true

# --- Cortex-M boards under QEMU (ports/cortex-m) -------------------------------
# One short name per core; each maps to a QEMU machine, compiler flags and the
# counter its port uses. `make test-m4` runs the test runner on one board.
BOARDS := m0 m3 m4 m7 m33 m55
board_m0  := microbit
board_m3  := mps2-an385
board_m4  := mps2-an386
board_m7  := mps2-an500
board_m33 := mps2-an505
board_m55 := mps3-an547
cpu_m0  := -mcpu=cortex-m0 -mthumb -mfloat-abi=soft
cpu_m3  := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
cpu_m4  := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
cpu_m7  := -mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16
cpu_m33 := -mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16
cpu_m55 := -mcpu=cortex-m55 -mthumb -mfloat-abi=hard
ctr_m0  := -DPORT_COUNTER_SYSTICK
ctr_m3  := -DPORT_COUNTER_FPGAIO=0x40028000u
ctr_m4  := -DPORT_COUNTER_FPGAIO=0x40028000u
ctr_m7  := -DPORT_COUNTER_FPGAIO=0x40028000u
ctr_m33 := -DPORT_COUNTER_FPGAIO=0x50302000u
ctr_m55 := -DPORT_COUNTER_FPGAIO=0x59302000u

# Two compilers build every board program: arm-none-eabi-gcc into
# build/<board>/ and clang (Debian's clang 14) into build/<board>-clang/.
# clang compiles for --target=arm-none-eabi against newlib's headers, with
# -fshort-enums as newlib's objects are built (else the linker warns on every
# object); arm-none-eabi-gcc links both compilers' objects with newlib, the
# same startup, port and linker script. -z noexecstack: clang's objects carry
# a .note.GNU-stack section and newlib's do not, which makes ld warn.
# clang for arm-none-eabi assumes memory must be aligned even where the core
# does not (GCC and Arm's own clang do not): on M3..M55 it gets
# -munaligned-access, as attention.h's DSP kernels expect (README); never on
# the M0, which faults on unaligned loads.
# CLANG_XFLAGS: more flags for clang's board builds, to try one.
COMPILERS  := gcc clang
NEWLIB_INC ?= /usr/lib/arm-none-eabi/include
CLANG_XFLAGS ?=
xcc_gcc    := $(CROSS_CC)
xcc_clang  := $(CLANG) --target=arm-none-eabi -fshort-enums $(CLANG_XFLAGS)
xsys_clang := -isystem $(NEWLIB_INC)
xld_clang  := -Wl,-z,noexecstack
sfx_gcc    :=
sfx_clang  := -clang
$(foreach b,m3 m4 m7 m33 m55,$(eval xcf_$(b)_clang := -munaligned-access))
# build directory names, e.g. m4 m4-clang
BOARD_DIRS := $(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(b)$(sfx_$(c))))

PORT     := ports/cortex-m
PORT_SRC := $(PORT)/startup.c $(PORT)/port.c
PORT_DEP := $(PORT_SRC) $(PORT)/port.h $(PORT)/sections.ld
XWARN    := -std=c99 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wdouble-promotion \
            -Wcast-align -Wundef
XFLAGS   := -O2 -g -ffunction-sections -fdata-sections $(XWARN)
XLINK    := --specs=rdimon.specs -nostartfiles -Wl,--gc-sections -L$(PORT)
QEMU_TIMEOUT ?= 600

# The programs built for the boards: sources, what they depend on, flags.
#   test, test-dec, test-bad  the test runner's three parts, encoder side,
#           decoder side and bad input (TEST_PROGS above; make test-m4 runs
#           the three): each fits its board's flash with its golden data
#   bench   instruction counts of kernels and layers (make bench)
#   digits  the digits classifier as firmware (make digits-m4)
#   demo    the demo as firmware (make demo-m4; not on the M0, whose 16 KB RAM
#           cannot hold its 71 KB of RAM weights)
#   stack, stack-os  the painted-stack measurement, -O2 and -Os (make stack;
#           make test runs them): on STACK_BOARDS only
#   overflow  a .bss over the board's RAM: must fail to link (make test,
#           tests/link_overflow.sh): on the M0 and M4 with gcc only
src_test     := tests/main.c $(TEST_SRC_ENC) tests/impl.c
src_test-dec := tests/main.c $(TEST_SRC_DEC) tests/impl.c
src_test-bad := tests/main.c $(TEST_SRC_BAD) tests/impl.c
src_test-forms := tests/main.c $(TEST_SRC_FORMS) tests/impl.c
src_test-blob := tests/main.c $(TEST_SRC_BLOB) tests/impl.c
dep_test-blob := $(TEST_DEP)
cf_test-blob  := -Itests -DCHECK_PART_BLOB $(BLOB_INC)
dep_test     := $(TEST_DEP)
dep_test-dec := $(TEST_DEP)
dep_test-bad := $(TEST_DEP)
dep_test-forms := $(TEST_DEP)
cf_test      := -Itests -DCHECK_PART_ENCODER
cf_test-dec  := -Itests -DCHECK_PART_DECODER
cf_test-bad  := -Itests -DCHECK_PART_BAD_INPUT
cf_test-forms := -Itests -DCHECK_PART_FORMS
src_bench  := bench/bench_mcu.c
dep_bench  := bench/bench_mcu.c attention.h
src_digits := examples/digits/digits.c
dep_digits := $(DIGITS_DEP)
cf_digits  := -DDIGITS_ON_BOARD -Iexamples/digits
# g2p: the int8 model alone on the micro:bit (its 256 KB of flash; the
# float model's weights are 703 KB)
src_g2p := examples/g2p/g2p.c
dep_g2p := $(G2P_DEP)
cf_g2p  := -DG2P_ON_BOARD -Iexamples/g2p
# (ATTN_NO_BLOB: clang's build had 8 bytes of flash to spare, fewer than
# the model blobs' status names take)
g2p_m0  := -DG2P_NO_FLOAT -DG2P_NO_NAMES -DATTN_NO_BLOB -Os -isystem $(NEWLIB_INC)/nano
g2p_m0_clang := -Oz
ld_g2p_m0 := --specs=nano.specs
src_demo   := examples/demo.c
dep_demo   := examples/demo.c attention.h
cf_demo    := -DDEMO_ON_BOARD
# Per board (<program>_<board>) and per board and compiler
# (<program>_<board>_<compiler>) compile flags; link flags ld_<program>_<board>.
# The micro:bit has 16 KB of RAM and 256 KB of flash. Its test programs are
# built for size and link newlib-nano (whose printf has no float support,
# which the runner does not use; its headers come first for both compilers).
# Each shares one pool between its groups, sized so that the pool, .data,
# .bss, newlib's 436 B of heap and the runner's deepest stack (at most 2.7
# KB, painted under QEMU: more than the 2 KB the linker script reserves)
# leave 1 KB or more of the 16 KB untouched; each keeps the golden cases that
# fit its flash, leaving 1.5 KB or more of it free. What a board leaves out
# is listed as left out. Flash used of 262,144 B, gcc / clang:
#   test      247,424 / 258,456 B: the encoder golden cases of up to 14,480 B
#             (both compilers). 9.6 KB pool. Left out: the golden cases of
#             14,960 B and up, the property, int8 and
#             quantizer shapes over the pool.
#   test-dec  259,140 / 257,236 B: the decoder-side golden cases of up to
#             9,140 B with gcc, 7,200 B with clang (the seq2seq front ends'
#             cases and code, issue 11, took it from 10,732 / 10,136 B). 11
#             KB pool. Left out: the decoders, transformers, seq2seq models
#             and LMs above that, the stepping cases and int8 token models
#             over the pool.
#   test-bad  127,260 / 158,196 B. 11 KB pool (the quantizer's table takes
#             9,408 B). Left out: the decoder quantizers' table (18,288 B).
#   test-forms  225,468 / 239,428 B: issue 11's attention forms: every
#             additive-attention golden case, and the encoder table's
#             local-attention, attention-pooling and front-end cases of up
#             to 16,256 B. 9.6 KB pool (its .bss and stack must fit the 16
#             KB too). Left out: the larger of those cases, the int8 token
#             models' calibration over the pool.
# The M3 runs the same portable soft-float C with every case.
test_m0  := -DCHECK_POOL_BYTES=9600 -Os -isystem $(NEWLIB_INC)/nano
test_m0_gcc   := -DGOLDEN_FLASH_LIMIT=14480
test_m0_clang := -DGOLDEN_FLASH_LIMIT=14480
test-dec_m0 := -DCHECK_POOL_BYTES=11264 -Os -isystem $(NEWLIB_INC)/nano
test-dec_m0_gcc   := -DGOLDEN_DEC_FLASH_LIMIT=9140
test-dec_m0_clang := -DGOLDEN_DEC_FLASH_LIMIT=7200
test-bad_m0 := -DCHECK_POOL_BYTES=11264 -Os -isystem $(NEWLIB_INC)/nano
test-forms_m0 := -DCHECK_POOL_BYTES=9600 -Os -isystem $(NEWLIB_INC)/nano
test-forms_m0_gcc   := -DGOLDEN_FLASH_LIMIT=16256
test-forms_m0_clang := -DGOLDEN_FLASH_LIMIT=16256
# test-blob on the micro:bit: the digits models and their blobs (flash),
# not the ViT digits ones (108 KB more) nor the g2p ones (their headers and
# blobs: 1.9 MB); the tiny blobs of the
# classifiers (the encoder-decoders' with the loads' arenas are over the pool)
test-blob_m0 := -DCHECK_POOL_BYTES=11264 -Os -isystem $(NEWLIB_INC)/nano -DBLOB_NO_G2P -DBLOB_NO_DIGITS_VIT \
                -DBLOB_TINY_CLASSIFIERS_ONLY -DBLOB_ROUND_TRIP_BYTES=0
# the others: a 64 KB buffer for the round trip of the digits blobs (the
# M55's DTCM cannot hold the g2p float blob's 723 KB beside the pool)
$(foreach b,m3 m4 m7 m33 m55,$(eval test-blob_$(b) := -DBLOB_ROUND_TRIP_BYTES=65536))
# (the M55's 2 MB SRAM, where test_blob.o's constants go, holds the g2p
# models and blobs (1.9 MB) but not the ViT digits ones beside them)
test-blob_m55 += -DBLOB_NO_DIGITS_VIT
$(foreach p,$(TEST_PROGS),$(eval ld_$(p)_m0 := --specs=nano.specs))
# The M55's 512 KB ITCM holds the code; the test runner's golden data
# (test_golden.o's constants: 347 KB in test, 205 KB in test-dec) goes to
# the AN547's 2 MB SRAM at 0x01000000 (ports/cortex-m/boards/mps3-an547.ld),
# so its programs run every case with both compilers and need no limit
# (ITCM used, gcc / clang: test 163 / 205 KB, test-dec 134 / 159 KB,
# test-bad 153 / 183 KB).
bench_m0 := -DBENCH_RAM_BYTES=10240
# The documented worst-case stack in bytes (README, attention.h): of every
# inference function (everything but the model quantizers), and of the
# model quantizers attn_quantize_{encoder,model,decoder,seq2seq,lm,additive}_s8
# (bench/stack_mcu.c: model_quantizer). make test fails when
# a painted-stack program measures more (tests/run_suite.sh holds each
# build to them; the programs need no rebuild when they change).
STACK_BOUND       := 1044
STACK_BOUND_QUANT := 1432
STACK_BOARDS := m0 m4
src_stack := bench/stack_mcu.c tests/impl.c
dep_stack := $(src_stack) $(DIGITS_DEP) examples/digits/digits_calib.h
cf_stack  := -Iexamples/digits
src_stack-os := $(src_stack)
dep_stack-os := $(dep_stack)
cf_stack-os  := $(cf_stack) -Os
# the micro:bit: newlib-nano (its RAM), a 1,984-byte painted window below the caller,
# no room for the width-32 int8 decoder models (their float runs everywhere)
stack_m0    := -DSTACK_WINDOW=1984 -DSTACK_BIG_BYTES=0 -isystem $(NEWLIB_INC)/nano
stack-os_m0 := $(stack_m0)
# (clang -O2's program leaves additive attention and the model blobs out
# to fit the flash; the -Os one and gcc's measure them)
stack_m0_clang := -DSTACK_NO_ADDITIVE -DSTACK_NO_BLOB
ld_stack_m0    := --specs=nano.specs
ld_stack-os_m0 := --specs=nano.specs
# the link-overflow probe: a .bss 4 bytes larger than the board's RAM less
# its stack reservation (16 KB - 2 KB; 4 MB - 4 KB)
src_overflow := tests/link_overflow.c
dep_overflow := tests/link_overflow.c
overflow_m0  := -DOVERFLOW_BYTES=14340
overflow_m4  := -DOVERFLOW_BYTES=4190212
PROGRAMS := $(TEST_PROGS) bench digits demo g2p
programs_m0 := $(TEST_PROGS) bench digits g2p

# $(call XOBJ,board,compiler,program,source): one object of a board program
# ($(CONV) on every source: the library, the tests, the examples, the port)
define XOBJ
$(B)/$(1)$(sfx_$(2))/$(3).obj/$(notdir $(4:.c=.o)): $(4) $(dep_$(3)) $(PORT_DEP) | ports-deps
	@mkdir -p $$(@D)
	$(xcc_$(2)) $(cpu_$(1)) $(xcf_$(1)_$(2)) $(ctr_$(1)) $(XFLAGS) $(CONV) \
	    $(cf_$(3)) $($(3)_$(1)) $($(3)_$(1)_$(2)) $(xsys_$(2)) -I. -I$(PORT) -c $$< -o $$@
endef
# $(call XPROG,board,compiler,program): its objects, linked by arm-none-eabi-gcc
define XPROG
$(foreach s,$(src_$(3)) $(PORT_SRC),$(eval $(call XOBJ,$(1),$(2),$(3),$(s))))
$(B)/$(1)$(sfx_$(2))/$(3).elf: $(foreach s,$(src_$(3)) $(PORT_SRC),$(B)/$(1)$(sfx_$(2))/$(3).obj/$(notdir $(s:.c=.o))) \
                               $(PORT)/boards/$(board_$(1)).ld
	$(CROSS_CC) $(cpu_$(1)) $(ld_$(3)_$(1)) $$(filter %.o,$$^) $(XLINK) $(xld_$(2)) \
	    -T$(PORT)/boards/$(board_$(1)).ld -lm -o $$@
endef
$(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(foreach p,$(or $(programs_$(b)),$(PROGRAMS)),\
    $(eval $(call XPROG,$(b),$(c),$(p))))))
$(foreach b,$(STACK_BOARDS),$(foreach c,$(COMPILERS),$(foreach p,stack stack-os,\
    $(eval $(call XPROG,$(b),$(c),$(p))))))
$(foreach b,m0 m4,$(eval $(call XPROG,$(b),gcc,overflow)))

# make test-m4 / test-m4-clang, digits-m4 / digits-m4-clang (instructions
# per inference under -icount), demo-m4 / demo-m4-clang
define XRUN
.PHONY: test-$(1)$(sfx_$(2)) digits-$(1)$(sfx_$(2))
test-$(1)$(sfx_$(2)): $(foreach p,$(TEST_PROGS),$(B)/$(1)$(sfx_$(2))/$(p).elf)
	@rc=0; for p in $$^; do echo "sh $(PORT)/run.sh $(board_$(1)) $$$$p $(QEMU_TIMEOUT)"; \
	    sh $(PORT)/run.sh $(board_$(1)) $$$$p $(QEMU_TIMEOUT) || rc=1; done; exit $$$$rc
digits-$(1)$(sfx_$(2)): $(B)/$(1)$(sfx_$(2))/digits.elf
	sh $(PORT)/run.sh $(board_$(1)) $$< $(QEMU_TIMEOUT) -icount shift=10,sleep=off
.PHONY: g2p-$(1)$(sfx_$(2))
g2p-$(1)$(sfx_$(2)): $(B)/$(1)$(sfx_$(2))/g2p.elf
	sh $(PORT)/run.sh $(board_$(1)) $$< $(QEMU_TIMEOUT) -icount shift=10,sleep=off
ifneq ($(1),m0)
.PHONY: demo-$(1)$(sfx_$(2))
demo-$(1)$(sfx_$(2)): $(B)/$(1)$(sfx_$(2))/demo.elf
	sh $(PORT)/run.sh $(board_$(1)) $$< 120 -icount shift=10,sleep=off
endif
endef
$(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(eval $(call XRUN,$(b),$(c)))))

.PHONY: ports-deps
ports-deps:
	@CLANG='$(CLANG)' RV_CC='$(RV_CC)' sh $(PORT)/install-deps.sh

# --- RISC-V boards under QEMU (ports/riscv) -------------------------------------
# qemu-system-riscv32 with Debian's riscv64-unknown-elf-gcc and picolibc
# (its crt0, linker script and semihosting: console and exit status; the
# port adds the rdinstret counter, exact under -icount shift=0). gcc only,
# into build/<board>/. `make test-rv32imac` runs the test runner on one.
#   rv32imac   virt, rv32imac: no FPU, soft float (the ESP32-C3, GD32VF103 class)
#   rv32imafc  virt, rv32imafc: single-precision FPU (-mabi=ilp32f)
#   sifive_e   QEMU's SiFive E board (FE310's E31, rv32imac): 16 KB of RAM,
#              flash at 0x20400000 (the small board, as the micro:bit is for Arm)
# RV_CROSS_COMPILE names the tools' prefix.
RV_BOARDS := rv32imac rv32imafc sifive_e
RV_CROSS_COMPILE ?= riscv64-unknown-elf-
RV_CC    := $(RV_CROSS_COMPILE)gcc
RV_PORT  := ports/riscv
RV_PORT_SRC := $(RV_PORT)/port.c
RV_PORT_DEP := $(RV_PORT_SRC) $(RV_PORT)/port.h
RV_SPECS := --specs=picolibc.specs
RV_LINK  := $(RV_SPECS) --crt0=semihost --oslib=semihost -Wl,--gc-sections -L$(RV_PORT)/boards
board_rv32imac  := virt-rv32imac
board_rv32imafc := virt-rv32imafc
board_sifive_e  := sifive_e
ld_rv32imac  := virt
ld_rv32imafc := virt
ld_sifive_e  := sifive_e
cpu_rv32imac  := -march=rv32imac -mabi=ilp32
cpu_rv32imafc := -march=rv32imafc -mabi=ilp32f
cpu_sifive_e  := -march=rv32imac -mabi=ilp32
# The SiFive E's 16 KB of RAM (its flash, 12 MB from 0x20400000, holds every
# program's code and constants): each test program shares one pool between
# its groups, as on the micro:bit, and leaves out what is over it (listed as
# left out); test-blob without the round-trip buffer, the g2p models' blobs
# nor the encoder-decoders' tiny ones (their arenas are over the pool).
test_sifive_e       := -DCHECK_POOL_BYTES=9600
test-dec_sifive_e   := -DCHECK_POOL_BYTES=11264
test-bad_sifive_e   := -DCHECK_POOL_BYTES=11264
test-forms_sifive_e := -DCHECK_POOL_BYTES=9600
test-blob_sifive_e  := -DCHECK_POOL_BYTES=10240 -DBLOB_NO_G2P -DBLOB_TINY_CLASSIFIERS_ONLY -DBLOB_ROUND_TRIP_BYTES=0
# g2p: the int8 model alone (the float one's KV cache and arena, 39 KB, are
# over the RAM)
g2p_sifive_e := -DG2P_NO_FLOAT
$(foreach b,rv32imac rv32imafc,$(eval test-blob_$(b) := -DBLOB_ROUND_TRIP_BYTES=65536))
bench_sifive_e := -DBENCH_RAM_BYTES=10240
programs_rv := $(TEST_PROGS) bench digits g2p

# $(call RVOBJ,board,program,source) and $(call RVPROG,board,program): as
# XOBJ and XPROG, with the RISC-V compiler, port and link
define RVOBJ
$(B)/$(1)/$(2).obj/$(notdir $(3:.c=.o)): $(3) $(dep_$(2)) $(RV_PORT_DEP) | ports-deps
	@mkdir -p $$(@D)
	$(RV_CC) $(cpu_$(1)) $(RV_SPECS) $(XFLAGS) $(CONV) \
	    $(cf_$(2)) $($(2)_$(1)) -I. -I$(RV_PORT) -c $$< -o $$@
endef
define RVPROG
$(foreach s,$(src_$(2)) $(RV_PORT_SRC),$(eval $(call RVOBJ,$(1),$(2),$(s))))
$(B)/$(1)/$(2).elf: $(foreach s,$(src_$(2)) $(RV_PORT_SRC),$(B)/$(1)/$(2).obj/$(notdir $(s:.c=.o))) \
                    $(RV_PORT)/boards/$(ld_$(1)).ld
	$(RV_CC) $(cpu_$(1)) $$(filter %.o,$$^) $(RV_LINK) -T$(ld_$(1)).ld -lm -o $$@
endef
$(foreach b,$(RV_BOARDS),$(foreach p,$(programs_rv),$(eval $(call RVPROG,$(b),$(p)))))
# make test-rv32imac, digits-rv32imac, g2p-rv32imac (instructions under
# -icount shift=0: instret counts each one)
define RVRUN
.PHONY: test-$(1) digits-$(1) g2p-$(1)
test-$(1): $(foreach p,$(TEST_PROGS),$(B)/$(1)/$(p).elf)
	@rc=0; for p in $$^; do echo "sh $(RV_PORT)/run.sh $(board_$(1)) $$$$p $(QEMU_TIMEOUT)"; \
	    sh $(RV_PORT)/run.sh $(board_$(1)) $$$$p $(QEMU_TIMEOUT) || rc=1; done; exit $$$$rc
digits-$(1): $(B)/$(1)/digits.elf
	sh $(RV_PORT)/run.sh $(board_$(1)) $$< $(QEMU_TIMEOUT) -icount shift=0
g2p-$(1): $(B)/$(1)/g2p.elf
	sh $(RV_PORT)/run.sh $(board_$(1)) $$< $(QEMU_TIMEOUT) -icount shift=0
endef
$(foreach b,$(RV_BOARDS),$(eval $(call RVRUN,$(b))))
BOARD_DIRS += $(RV_BOARDS)

BOARD_ELFS  := $(foreach d,$(BOARD_DIRS),$(foreach p,$(TEST_PROGS),$(B)/$(d)/$(p).elf))
DIGITS_ELFS := $(foreach d,$(BOARD_DIRS),$(B)/$(d)/digits.elf)
G2P_ELFS    := $(foreach d,$(BOARD_DIRS),$(B)/$(d)/g2p.elf)
BENCH_ELFS  := $(foreach d,$(BOARD_DIRS),$(B)/$(d)/bench.elf)
# the arguments of tests/run_suite.sh: DIR:MACHINE per build, DIR =
# build/<DIR>/ (m4, m4-clang, ...); tools/bench_report.sh also gets the
# board and compiler (DIR:BOARD:COMPILER:MACHINE)
BOARD_RUNS  := $(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(b)$(sfx_$(c)):$(board_$(b))))\
               $(foreach b,$(RV_BOARDS),$(b):$(board_$(b)))
# the painted-stack programs: build/<DIR>/<PROG>.elf, and DIR/PROG:MACHINE
STACK_PROGS := $(foreach b,$(STACK_BOARDS),$(foreach c,$(COMPILERS),$(foreach p,stack stack-os,\
                   $(b)$(sfx_$(c))/$(p):$(board_$(b)))))
STACK_ELFS  := $(foreach r,$(STACK_PROGS),$(B)/$(firstword $(subst :, ,$(r))).elf)

.PHONY: bench size
# every board with both compilers, each twice (the counts must repeat
# exactly): build/bench/results.csv, and into BENCHMARKS.md the table (a
# column per board and compiler) and our rows beside CMSIS-NN / CMSIS-DSP's
# (bench/cmsis_anchor.csv) with the ratio; the digits and g2p examples' tables
# into BENCHMARKS.md and README.md (tools/digits_report.sh, tools/g2p_report.sh)
bench: $(BENCH_ELFS) $(DIGITS_ELFS) $(G2P_ELFS) $(B)/g2p bench/cmsis_anchor.csv
	@sh tools/bench_report.sh $(B) bench/cmsis_anchor.csv -c gcc:$(CROSS_CC) -c clang:$(CLANG) \
	    $(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(b)$(sfx_$(c)):$(b):$(c):$(board_$(b))))
	@sh tools/digits_report.sh $(B) $(foreach b,$(BOARDS),$(b):$(board_$(b)))
	@sh tools/g2p_report.sh $(B) $(foreach b,$(BOARDS),$(b):$(board_$(b)))
	@sh tools/bench_riscv.sh $(B) $(RV_CC) $(foreach b,$(RV_BOARDS),$(b):$(board_$(b)))
# the RISC-V boards' table alone (BENCHMARKS.md, build/bench/riscv.csv)
.PHONY: bench-riscv
bench-riscv: $(foreach b,$(RV_BOARDS),$(B)/$(b)/bench.elf)
	@sh tools/bench_riscv.sh $(B) $(RV_CC) $(foreach b,$(RV_BOARDS),$(b):$(board_$(b)))

# flash and RAM of the library alone, per core and compiler, -Os and -O2,
# into BENCHMARKS.md
size: | ports-deps
	@sh tools/size_report.sh $(CROSS_SIZE) $(foreach c,$(COMPILERS),"$(c)=$(strip $(xcc_$(c)) $(xsys_$(c)))") \
	    -- $(foreach b,$(BOARDS),"$(b):$(cpu_$(b))")

# --- fuzz targets (tests/fuzz) --------------------------------------------------
# One libFuzzer target per part of the API. make test replays the committed
# corpus (tests/fuzz/corpus/<target>/) through tests/fuzz/replay.c, without
# libFuzzer, under ASan + UBSan (float-cast-overflow too), 64-bit and 32-bit
# (gcc -m32 as for test-m32: i386's own x87 float arithmetic; gcc-multilib,
# which m32-deps installs). make fuzz builds them with clang's libFuzzer and
# runs each for FUZZ_SECONDS (tests/fuzz/run.sh).
FUZZ_TARGETS := f32 s8 quant arena dec model front blob
FUZZ_SECONDS ?= 60
FUZZ_DEP := tests/fuzz/fuzz.h tests/fuzz/replay.c tests/fuzz/fuzz_model.c attention.h
FUZZ_SAN := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_REPLAYS := $(foreach t,$(FUZZ_TARGETS),$(B)/fuzz/replay64-$(t) $(B)/fuzz/replay32-$(t))
$(B)/fuzz/replay64-%: tests/fuzz/fuzz_%.c $(FUZZ_DEP)
	@mkdir -p $(@D)
	$(HOST_CC) $(WARN) $(CONV) -O1 -g $(FUZZ_SAN) -I. $< tests/fuzz/replay.c -lm -o $@
$(B)/fuzz/replay32-%: tests/fuzz/fuzz_%.c $(FUZZ_DEP) | $(if $(filter test-host,$(MAKECMDGOALS)),,m32-deps)
	@mkdir -p $(@D)
	@HOST_CC='$(HOST_CC)' sh $(PORT)/install-deps.sh --check m32
	$(HOST_CC) $(M32) $(WARN) $(CONV) -O1 -g $(FUZZ_SAN) -I. $< tests/fuzz/replay.c -lm -o $@
$(B)/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_DEP)
	@mkdir -p $(@D)
	$(CLANG) $(WARN) $(CONV) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. $< -lm -o $@
.PHONY: fuzz
fuzz: $(foreach t,$(FUZZ_TARGETS),$(B)/fuzz/fuzz-$(t) $(B)/fuzz/replay64-$(t))
	@CLANG='$(CLANG)' sh tests/fuzz/run.sh $(B)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# --- tests --------------------------------------------------------------------
# host builds and checks first, then the same runner on every board
# the header compiled for every core by both compilers at -O0 and -Os too
# (the fast paths' inline assembly and intrinsics must build unoptimised)
OPT_CHECKS := $(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(foreach o,O0 Os,$(B)/optcheck/$(b)-$(c)-$(o).o)))
define OPT_CHECK
$(B)/optcheck/$(1)-$(2)-$(3).o: tests/impl.c attention.h | ports-deps
	@mkdir -p $$(@D)
	$(xcc_$(2)) $(cpu_$(1)) $(xcf_$(1)_$(2)) -$(3) $(XWARN) $(CONV) $(xsys_$(2)) -I. -c $$< -o $$@
endef
$(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(foreach o,O0 Os,$(eval $(call OPT_CHECK,$(b),$(c),$(o))))))
# (the RISC-V boards: gcc, whose inline assembly must build at -O0 and -Os too)
OPT_CHECKS += $(foreach b,$(RV_BOARDS),$(foreach o,O0 Os,$(B)/optcheck/$(b)-gcc-$(o).o))
define RV_OPT_CHECK
$(B)/optcheck/$(1)-gcc-$(2).o: tests/impl.c attention.h | ports-deps
	@mkdir -p $$(@D)
	$(RV_CC) $(cpu_$(1)) $(RV_SPECS) -$(2) $(XWARN) $(CONV) -I. -c $$< -o $$@
endef
$(foreach b,$(RV_BOARDS),$(foreach o,O0 Os,$(eval $(call RV_OPT_CHECK,$(b),$(o)))))

# the painted-stack program on the host, under ASan + UBSan: every call it
# measures on the boards is valid (tests/run_suite.sh also checks that it
# measures every public function)
$(B)/stack-host: $(dep_stack) | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O1 -g $(SAN) -I. -Iexamples/digits $(src_stack) -lm -o $@

# what runs on the host: make test-host runs these alone (no cross tool, no
# package install, no QEMU), make test these and every board
HOST_CHECKS := $(TEST_BINS) $(B)/test-m32 $(B)/stack-host $(B)/impl.o $(B)/impl-static.o \
               $(B)/impl-nofloat.o $(B)/impl-noint8.o $(B)/impl-noblob.o examples $(B)/qm-digits/digits_model_s8.h \
               $(B)/qm-digits-vit/digits_vit_model_s8.h $(B)/qs-g2p/g2p_model_s8.h \
               $(FUZZ_REPLAYS) $(EXPORT_CHECKS)
test: $(HOST_CHECKS) $(BOARD_ELFS) $(DIGITS_ELFS) $(G2P_ELFS) $(STACK_ELFS) $(OPT_CHECKS) $(B)/lint/summary
	@STACK_BOUND=$(STACK_BOUND) STACK_BOUND_QUANT=$(STACK_BOUND_QUANT) MAKE='$(MAKE)' \
	    HOST_CC='$(HOST_CC)' HOST_CXX='$(HOST_CXX)' WARN='$(WARN) $(CONV)' \
	    TEST_PROGS='$(TEST_PROGS)' sh tests/run_suite.sh $(B) $(BOARD_RUNS) -- $(STACK_PROGS)
test-host: $(HOST_CHECKS)
	@STACK_BOUND=$(STACK_BOUND) STACK_BOUND_QUANT=$(STACK_BOUND_QUANT) sh tests/run_suite.sh $(B)

# --- build systems (CMakeLists.txt, cmake/, the manifests) ---------------------
# tests/cmake/check.sh: the root CMakeLists.txt installed and consumed three
# ways (add_subdirectory, FetchContent, find_package), for the host and, in
# make test, the Cortex-M4 under QEMU (cmake/arm-none-eabi.cmake);
# tests/manifests/check.py: library.json, library.properties and the Arduino
# sketch, the Zephyr module, the ESP-IDF component. tests/run_suite.sh runs
# both (make test and make test-host); make test installs cmake first
# (make cmake-deps), make test-host does not.
CMAKE ?= cmake
test: | cmake-deps
.PHONY: cmake-deps test-pkg
cmake-deps:
	@CMAKE='$(CMAKE)' sh $(PORT)/install-deps.sh cmake
test-pkg: | cmake-deps ports-deps
	@CMAKE='$(CMAKE)' HOST_CC='$(HOST_CC)' sh tests/cmake/check.sh $(B) m4
	@CMAKE='$(CMAKE)' HOST_CXX='$(HOST_CXX)' $(PYTHON) tests/manifests/check.py $(B)

# --- static analysis ----------------------------------------------------------
# make lint: tools/lint.sh runs cppcheck, clang-tidy (.clang-tidy: the checks,
# and why those off are off), gcc -fanalyzer and -Wconversion
# -Wsign-conversion compiles on attention.h as a C file with
# ATTN_IMPLEMENTATION, in each configuration that selects different code
# (portable C, GCC, ATTN_NO_FLOAT/ATTN_NO_INT8, every board's DSP/Helium/-Os
# paths), and cppcheck and clang-tidy on examples/, tools/, bench/ and the
# port; cppcheck's suppressions, each with its reason: tools/cppcheck.supp.
# build/lint/summary says "lint: N findings (...)"; make lint lists them and
# fails unless N is 0; make test counts the summary as one result.
# LINT_JOBS (default: the CPUs) analyses at a time.
CPPCHECK   ?= cppcheck
CLANG_TIDY ?= clang-tidy
LINT_SRC := attention.h tests/impl.c .clang-tidy tools/cppcheck.supp tools/lint.sh \
            examples/minimal.c examples/demo.c $(DIGITS_DEP) tools/quantize_model.c \
            bench/bench_host.c bench/bench_mcu.c bench/stack_mcu.c $(PORT_SRC) $(PORT)/port.h
$(B)/lint/summary: $(LINT_SRC) $(B)/qm-digits/quant_input.h | lint-deps ports-deps
	@CPPCHECK='$(CPPCHECK)' CLANG_TIDY='$(CLANG_TIDY)' HOST_CC='$(HOST_CC)' CLANG='$(CLANG)' \
	    HOST_CXX='$(HOST_CXX)' CROSS_CC='$(CROSS_CC)' NEWLIB_INC='$(NEWLIB_INC)' QM_INC='$(B)/qm-digits' \
	    sh tools/lint.sh $(B)/lint $(foreach b,$(BOARDS),"$(b):$(cpu_$(b))")
.PHONY: lint lint-deps
lint: $(B)/lint/summary
	@cat $(B)/lint/findings; for f in $(B)/lint/*.found; do \
	    [ -s "$$f" ] && echo "  ($$(wc -l < "$$f") from $$(basename "$$f" .found): $${f%.found}.log)"; done; \
	cat $<; grep -q '^lint: 0 findings ' $<
lint-deps:
	@CPPCHECK='$(CPPCHECK)' CLANG_TIDY='$(CLANG_TIDY)' sh $(PORT)/install-deps.sh lint

# --- benchmarks ---------------------------------------------------------------
$(B)/bench_host: bench/bench_host.c attention.h | $(B)
	$(HOST_CC) $(WARN) $(CONV) -O2 -I. $< -lm -o $@
bench-host: $(B)/bench_host
	./$(B)/bench_host

clean:
	rm -rf $(B)

# --- stack per public function: painted under QEMU, and static ----------------
# make stack: bench/stack_mcu.c on STACK_BOARDS with both compilers at -O2
# and -Os (what a call writes below the stack pointer: libgcc and libm
# included), then GCC's call graph (the library's own frames), into
# BENCHMARKS.md. make test runs the same programs against STACK_BOUND.
stack_core_m0 := M0
stack_core_m4 := M4F
stack_opt_stack    := -O2
stack_opt_stack-os := -Os
STACK_COLS := $(foreach b,$(STACK_BOARDS),$(foreach c,$(COMPILERS),$(foreach p,stack stack-os,\
    "$(stack_core_$(b)) $(c) $(stack_opt_$(p))=$(b)$(sfx_$(c))/$(p):$(board_$(b))")))
.PHONY: stack
stack: $(STACK_ELFS) | ports-deps
	@{ echo "Stack each public function takes, measured, in bytes: the deepest word a call"; \
	   echo "writes below the caller's stack pointer, found by painting the stack under QEMU"; \
	   echo "(\`bench/stack_mcu.c\`). Everything that runs is counted: libgcc's division and"; \
	   echo "soft-float helpers, libm, memcpy. Inputs: the digits model (examples/digits) for"; \
	   echo "every kernel, layer and model, with more attention shapes (head widths 4 to 32,"; \
	   echo "masks) and NaN data; three smaller models with the other options (pre-norm,"; \
	   echo "GELU, tanh GELU, causal, padding, sinusoidal or no positions, first-token"; \
	   echo "pooling, two layers, no embedding, head width 3), quantized on the board; and"; \
	   echo "five decoder, encoder-decoder and decoder-only models (widths 32, 8 and 6, the"; \
	   echo "same options, target and memory padding, a KV cache stepped until it is full,"; \
	   echo "greedy decoding), in float, then quantized on the board and in int8 (width 32"; \
	   echo "in int8 on the M4F only: its parameters do not fit the micro:bit's 16 KB). A"; \
	   echo "function's figure is its deepest call. arm-none-eabi-gcc 12.2.1"; \
	   echo "and clang 14 with the Makefile's board flags. \`make test\` runs these programs"; \
	   echo "and fails if an inference function takes more than $(STACK_BOUND) bytes (the"; \
	   echo "figure in the README) or a model quantizer more than $(STACK_BOUND_QUANT)."; echo; \
	   STACK_BOUND=$(STACK_BOUND) STACK_BOUND_QUANT=$(STACK_BOUND_QUANT) \
	    sh tools/stack_measured.sh $(B) $(STACK_COLS); echo; \
	   echo "Static analysis of the library's own frames: each function's frame"; \
	   echo "(\`-fcallgraph-info=su\`) summed along the deepest call chain inside the library,"; \
	   echo "\`arm-none-eabi-gcc 12.2.1 -std=c99\` (M4F: \`$(cpu_m4)\`; M0: \`$(cpu_m0)\`)."; \
	   echo "Every frame is static: no VLAs, no alloca, no recursion. Not counted: the libm or"; \
	   echo "soft-float routine at the bottom of a chain (the measured figures above have it)."; \
	   echo "Regenerate both with \`make stack\`."; echo; \
	   sh tools/stack_usage.sh $(CROSS_CC) "M4F -O2:$(cpu_m4) -O2" "M4F -Os:$(cpu_m4) -Os" \
	    "M0 -O2:$(cpu_m0) -O2" "M0 -Os:$(cpu_m0) -Os"; } | tee /dev/stderr | \
	    sh tools/md_section.sh BENCHMARKS.md stack
