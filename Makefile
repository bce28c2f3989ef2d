# attention.h - build, test, demo, benchmarks.
#   make test    every host test (gcc, clang, ASan+UBSan, C++), one summary line
#   make demo    the small encoder model end to end on the host
#   make bench-host   host timing of encoder layers -> stdout (see BENCHMARKS.md)
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
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

B := build
TEST_SRC := tests/main.c tests/test_golden.c tests/test_props.c tests/test_bad_input.c \
            tests/test_quant.c tests/test_s8.c tests/test_fast.c tests/portable.c
TEST_DEP := $(TEST_SRC) tests/impl.c tests/check.h tests/golden/golden.h tests/golden_view.h \
            tests/golden_run.h tests/float_fast.h tests/golden/golden_data.h attention.h
TEST_BINS := $(B)/test-gcc $(B)/test-clang $(B)/test-asan $(B)/test-cxx

.PHONY: all test demo bench-host examples clean
all: $(TEST_BINS) examples

$(B):
	@mkdir -p $(B)

# --- the test runner, four ways ----------------------------------------------
$(B)/test-gcc: $(TEST_DEP) | $(B)
	$(HOST_CC) $(WARN) -O2 -I. -Itests $(TEST_SRC) tests/impl.c -lm -o $@
$(B)/test-clang: $(TEST_DEP) | $(B)
	$(CLANG) $(WARN) -O2 -I. -Itests $(TEST_SRC) tests/impl.c -lm -o $@
$(B)/test-asan: $(TEST_DEP) | $(B)
	$(HOST_CC) $(WARN) -O1 -g $(SAN) -I. -Itests $(TEST_SRC) tests/impl.c -lm -o $@
# the library compiled as C++98 (tests stay C) and linked together
$(B)/impl-cxx.o: tests/impl.c attention.h | $(B)
	$(HOST_CXX) -std=c++98 $(CXXWARN) -O2 -I. -x c++ -c tests/impl.c -o $@
# (the test files compiled as C, one object each)
CXX_TEST_OBJS := $(patsubst tests/%.c,$(B)/cxx/%.o,$(TEST_SRC))
$(B)/cxx/%.o: tests/%.c $(TEST_DEP)
	@mkdir -p $(@D)
	$(HOST_CC) $(WARN) -O2 -I. -Itests -c $< -o $@
$(B)/test-cxx: $(CXX_TEST_OBJS) $(B)/impl-cxx.o
	$(HOST_CXX) $^ -lm -o $@

# --- compile-only checks of the header -----------------------------------------
$(B)/impl.o: tests/impl.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. -c tests/impl.c -o $@
$(B)/impl-static.o: tests/impl.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. -DATTN_STATIC -Wno-unused-function -c tests/impl.c -o $@
$(B)/impl-nofloat.o: tests/impl.c attention.h | $(B)
	$(CLANG) $(WARN) -O2 -I. -DATTN_NO_FLOAT -c tests/impl.c -o $@
$(B)/impl-noint8.o: tests/impl.c attention.h | $(B)
	$(CLANG) $(WARN) -O2 -I. -DATTN_NO_INT8 -c tests/impl.c -o $@

# --- examples -----------------------------------------------------------------
$(B)/minimal: examples/minimal.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. $< -lm -o $@
$(B)/demo: examples/demo.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. $< -lm -o $@
DIGITS_DEP := examples/digits/digits.c examples/digits/digits_model.h \
              examples/digits/digits_model_s8.h examples/digits/digits_data.h attention.h
$(B)/digits: $(DIGITS_DEP) | $(B)
	$(HOST_CC) $(WARN) -O2 -I. -Iexamples/digits $< -lm -o $@
examples: $(B)/minimal $(B)/demo $(B)/digits

# the int8 digits model from the committed float model and calibration data,
# by tools/quantize_model.c (what tools/export.py runs; no Python needed):
# `make digits-s8` rewrites digits_model_s8.h; make test checks it is current
$(B)/qm-digits/quant_input.h: | $(B)
	@mkdir -p $(@D)
	@printf '%s\n' '#include "digits_model.h"' '#include "digits_calib.h"' \
	    '#define QM_NAME "digits"' '#define QM_CFG digits_cfg' \
	    '#define QM_WEIGHTS digits_weights' '#define QM_CALIB digits_calib' \
	    '#define QM_N_CALIB DIGITS_N_CALIB' '#define QM_SEQ DIGITS_CALIB_SEQ' \
	    '#define QM_PADDING DIGITS_CALIB_PADDING' > $@
$(B)/qm-digits/quantize_model: tools/quantize_model.c attention.h examples/digits/digits_model.h \
                               examples/digits/digits_calib.h $(B)/qm-digits/quant_input.h
	$(HOST_CC) $(WARN) -O2 -I. -Iexamples/digits -I$(B)/qm-digits $< -lm -o $@
$(B)/qm-digits/digits_model_s8.h: $(B)/qm-digits/quantize_model
	./$< > $@
.PHONY: digits-s8
digits-s8: $(B)/qm-digits/digits_model_s8.h
	cp $< examples/digits/digits_model_s8.h

# the digits classifier on the host, then on the M4 board when the ARM tools
# and QEMU are there (counting instructions under -icount)
demo: $(B)/digits
	./$(B)/digits
	@if command -v $(CROSS_CC) >/dev/null 2>&1 && command -v qemu-system-arm >/dev/null 2>&1; \
	then $(MAKE) --no-print-directory digits-m4; \
	else echo "(no $(CROSS_CC) or qemu-system-arm: skipping the M4 run; make ports-deps installs them)"; fi

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
# the micro:bit has 16 KB of RAM and 256 KB of flash: the runner shares a
# 9 KB pool between its groups, keeps the golden cases that fit, is built
# for size and links newlib-nano (whose printf has no float support, which
# the runner does not use)
tests_m0 := -DCHECK_POOL_BYTES=9216 -DGOLDEN_FLASH_LIMIT=16000 -Os --specs=nano.specs

PORT     := ports/cortex-m
PORT_SRC := $(PORT)/startup.c $(PORT)/port.c
PORT_DEP := $(PORT_SRC) $(PORT)/port.h $(PORT)/sections.ld
XWARN    := -std=c99 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wdouble-promotion \
            -Wcast-align -Wundef
XFLAGS   := -O2 -g -ffunction-sections -fdata-sections $(XWARN)
XLINK    := --specs=rdimon.specs -nostartfiles -Wl,--gc-sections -L$(PORT)
QEMU_TIMEOUT ?= 600

.PHONY: ports-deps $(addprefix test-,$(BOARDS))
ports-deps:
	@sh $(PORT)/install-deps.sh

define BOARD_RULES
$(B)/$(1)/test.elf: $(TEST_DEP) $(PORT_DEP) $(PORT)/boards/$(board_$(1)).ld | ports-deps
	@mkdir -p $$(@D)
	$(CROSS_CC) $(cpu_$(1)) $(ctr_$(1)) $(XFLAGS) $(tests_$(1)) -I. -Itests -I$(PORT) \
	    $(TEST_SRC) tests/impl.c $(PORT_SRC) $(XLINK) -T$(PORT)/boards/$(board_$(1)).ld \
	    -lm -o $$@
test-$(1): $(B)/$(1)/test.elf
	sh $(PORT)/run.sh $(board_$(1)) $$< $(QEMU_TIMEOUT)
endef
$(foreach b,$(BOARDS),$(eval $(call BOARD_RULES,$(b))))

BOARD_ELFS := $(foreach b,$(BOARDS),$(B)/$(b)/test.elf)

# --- benchmarks on the boards: instruction counts under qemu -icount ---------
bench_m0 := -DBENCH_RAM_BYTES=10240
define BENCH_RULES
$(B)/$(1)/bench.elf: bench/bench_mcu.c attention.h $(PORT_DEP) $(PORT)/boards/$(board_$(1)).ld | ports-deps
	@mkdir -p $$(@D)
	$(CROSS_CC) $(cpu_$(1)) $(ctr_$(1)) $(bench_$(1)) $(XFLAGS) -I. -I$(PORT) \
	    bench/bench_mcu.c $(PORT_SRC) $(XLINK) -T$(PORT)/boards/$(board_$(1)).ld -lm -o $$@
endef
$(foreach b,$(BOARDS),$(eval $(call BENCH_RULES,$(b))))

# the digits classifier as firmware: `make digits-m4` (any board, the M0
# included) classifies the test images counting instructions per inference
define DIGITS_RULES
$(B)/$(1)/digits.elf: $(DIGITS_DEP) $(PORT_DEP) $(PORT)/boards/$(board_$(1)).ld | ports-deps
	@mkdir -p $$(@D)
	$(CROSS_CC) $(cpu_$(1)) $(ctr_$(1)) -DDIGITS_ON_BOARD $(XFLAGS) -I. -Iexamples/digits -I$(PORT) \
	    examples/digits/digits.c $(PORT_SRC) $(XLINK) -T$(PORT)/boards/$(board_$(1)).ld -lm -o $$@
.PHONY: digits-$(1)
digits-$(1): $(B)/$(1)/digits.elf
	sh $(PORT)/run.sh $(board_$(1)) $$< $(QEMU_TIMEOUT) -icount shift=10,sleep=off
endef
$(foreach b,$(BOARDS),$(eval $(call DIGITS_RULES,$(b))))
DIGITS_ELFS := $(foreach b,$(BOARDS),$(B)/$(b)/digits.elf)

# the demo as firmware: `make demo-m4` runs it on the M4 board, counting
# instructions (the M0's 16 KB RAM cannot hold its 71 KB of RAM weights)
define DEMO_RULES
$(B)/$(1)/demo.elf: examples/demo.c attention.h $(PORT_DEP) $(PORT)/boards/$(board_$(1)).ld | ports-deps
	@mkdir -p $$(@D)
	$(CROSS_CC) $(cpu_$(1)) $(ctr_$(1)) -DDEMO_ON_BOARD $(XFLAGS) -I. -I$(PORT) \
	    examples/demo.c $(PORT_SRC) $(XLINK) -T$(PORT)/boards/$(board_$(1)).ld -lm -o $$@
.PHONY: demo-$(1)
demo-$(1): $(B)/$(1)/demo.elf
	sh $(PORT)/run.sh $(board_$(1)) $$< 120 -icount shift=10,sleep=off
endef
$(foreach b,$(filter-out m0,$(BOARDS)),$(eval $(call DEMO_RULES,$(b))))

.PHONY: bench size
# every board twice (the counts must repeat exactly), table into BENCHMARKS.md
bench: $(foreach b,$(BOARDS),$(B)/$(b)/bench.elf)
	@sh tools/bench_report.sh $(B) $(foreach b,$(BOARDS),$(b):$(board_$(b)))

# flash and RAM of the library alone, per core, -Os and -O2, into BENCHMARKS.md
size: | ports-deps
	@sh tools/size_report.sh $(CROSS_CC) $(foreach b,$(BOARDS),"$(b):$(cpu_$(b))")

# --- tests --------------------------------------------------------------------
# host builds and checks first, then the same runner on every board
test: $(TEST_BINS) $(B)/impl.o $(B)/impl-static.o $(B)/impl-nofloat.o $(B)/impl-noint8.o \
      examples $(BOARD_ELFS) $(DIGITS_ELFS) $(B)/qm-digits/digits_model_s8.h
	@sh tests/run_suite.sh $(B) $(foreach b,$(BOARDS),$(b):$(board_$(b)))

# --- benchmarks ---------------------------------------------------------------
$(B)/bench_host: bench/bench_host.c attention.h | $(B)
	$(HOST_CC) -std=c99 -O2 -I. $< -lm -o $@
bench-host: $(B)/bench_host
	./$(B)/bench_host

clean:
	rm -rf $(B)

# --- worst-case stack per public function (static call-graph analysis) -------
M4F_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
M0_FLAGS  := -mcpu=cortex-m0 -mthumb
.PHONY: stack
stack: | ports-deps
	@{ echo "Worst-case stack depth of every public function, in bytes: each function's"; \
	   echo "static frame (\`-fcallgraph-info=su\`) summed along the deepest call chain"; \
	   echo "inside the library, \`arm-none-eabi-gcc 12.2.1 -std=c99\` (M4F: \`$(M4F_FLAGS)\`;"; \
	   echo "M0: \`$(M0_FLAGS)\`). Every frame is static: no VLAs, no alloca, no recursion."; \
	   echo "Not counted: the libm or soft-float routine at the bottom of a chain, which is"; \
	   echo "the C library's. A static analysis of one build: inlining moves it by tens of"; \
	   echo "bytes between compiler versions. Regenerate with \`make stack\`."; echo; \
	   sh tools/stack_usage.sh $(CROSS_CC) "M4F -O2:$(M4F_FLAGS) -O2" "M4F -Os:$(M4F_FLAGS) -Os" \
	    "M0 -O2:$(M0_FLAGS) -O2" "M0 -Os:$(M0_FLAGS) -Os"; } | tee /dev/stderr | \
	    sh tools/md_section.sh BENCHMARKS.md stack
