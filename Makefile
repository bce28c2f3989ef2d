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
            tests/test_quant.c tests/test_s8.c tests/test_fast.c tests/test_hardening.c tests/portable.c
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
#   test    the test runner (make test-m4)
#   bench   instruction counts of kernels and layers (make bench)
#   digits  the digits classifier as firmware (make digits-m4)
#   demo    the demo as firmware (make demo-m4; not on the M0, whose 16 KB RAM
#           cannot hold its 71 KB of RAM weights)
src_test   := $(TEST_SRC) tests/impl.c
dep_test   := $(TEST_DEP)
cf_test    := -Itests
src_bench  := bench/bench_mcu.c
dep_bench  := bench/bench_mcu.c attention.h
src_digits := examples/digits/digits.c
dep_digits := $(DIGITS_DEP)
cf_digits  := -DDIGITS_ON_BOARD -Iexamples/digits
src_demo   := examples/demo.c
dep_demo   := examples/demo.c attention.h
cf_demo    := -DDEMO_ON_BOARD
# Per board (<program>_<board>) and per board and compiler
# (<program>_<board>_<compiler>) compile flags; link flags ld_<program>_<board>.
# The micro:bit has 16 KB of RAM and 256 KB of flash: the runner shares a
# 9 KB pool between its groups, keeps the golden cases that fit, is built
# for size and links newlib-nano (whose printf has no float support, which
# the runner does not use; its headers come first for both compilers).
# clang -Os makes 9 KB more code of the runner than gcc -Os (the library's
# part: 21.7 KB against 17.5 KB), so its build keeps the golden cases of up
# to 15,000 B instead of 16,000 B (one case fewer, listed as left out).
test_m0  := -DCHECK_POOL_BYTES=9216 -Os -isystem $(NEWLIB_INC)/nano
test_m0_gcc   := -DGOLDEN_FLASH_LIMIT=16000
test_m0_clang := -DGOLDEN_FLASH_LIMIT=15000
# The M55's 512 KB ITCM holds gcc's runner with every golden case (481 KB);
# clang makes twice gcc's code there (the library's part 54 KB against 24 KB)
# and the runner would need 528 KB: its build leaves out the largest case
# (42,944 B).
test_m55_clang := -DGOLDEN_FLASH_LIMIT=40000
ld_test_m0 := --specs=nano.specs
bench_m0 := -DBENCH_RAM_BYTES=10240
PROGRAMS := test bench digits demo
programs_m0 := test bench digits

# $(call XOBJ,board,compiler,program,source): one object of a board program
define XOBJ
$(B)/$(1)$(sfx_$(2))/$(3).obj/$(notdir $(4:.c=.o)): $(4) $(dep_$(3)) $(PORT_DEP) | ports-deps
	@mkdir -p $$(@D)
	$(xcc_$(2)) $(cpu_$(1)) $(xcf_$(1)_$(2)) $(ctr_$(1)) $(XFLAGS) $(cf_$(3)) $($(3)_$(1)) $($(3)_$(1)_$(2)) \
	    $(xsys_$(2)) -I. -I$(PORT) -c $$< -o $$@
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

# make test-m4 / test-m4-clang, digits-m4 / digits-m4-clang (instructions
# per inference under -icount), demo-m4 / demo-m4-clang
define XRUN
.PHONY: test-$(1)$(sfx_$(2)) digits-$(1)$(sfx_$(2))
test-$(1)$(sfx_$(2)): $(B)/$(1)$(sfx_$(2))/test.elf
	sh $(PORT)/run.sh $(board_$(1)) $$< $(QEMU_TIMEOUT)
digits-$(1)$(sfx_$(2)): $(B)/$(1)$(sfx_$(2))/digits.elf
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
	@CLANG='$(CLANG)' sh $(PORT)/install-deps.sh

BOARD_ELFS  := $(foreach d,$(BOARD_DIRS),$(B)/$(d)/test.elf)
DIGITS_ELFS := $(foreach d,$(BOARD_DIRS),$(B)/$(d)/digits.elf)
BENCH_ELFS  := $(foreach d,$(BOARD_DIRS),$(B)/$(d)/bench.elf)
# the arguments of tests/run_suite.sh: DIR:MACHINE per build, DIR =
# build/<DIR>/ (m4, m4-clang, ...); tools/bench_report.sh also gets the
# board and compiler (DIR:BOARD:COMPILER:MACHINE)
BOARD_RUNS  := $(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(b)$(sfx_$(c)):$(board_$(b))))

.PHONY: bench size
# every board with both compilers, each twice (the counts must repeat
# exactly): build/bench/results.csv, and into BENCHMARKS.md the table (a
# column per board and compiler) and our rows beside CMSIS-NN / CMSIS-DSP's
# (bench/cmsis_anchor.csv) with the ratio
bench: $(BENCH_ELFS) $(DIGITS_ELFS) bench/cmsis_anchor.csv
	@sh tools/bench_report.sh $(B) bench/cmsis_anchor.csv -c gcc:$(CROSS_CC) -c clang:$(CLANG) \
	    $(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(b)$(sfx_$(c)):$(b):$(c):$(board_$(b))))
	@sh tools/digits_report.sh $(B) $(foreach b,$(BOARDS),$(b):$(board_$(b)))

# flash and RAM of the library alone, per core and compiler, -Os and -O2,
# into BENCHMARKS.md
size: | ports-deps
	@sh tools/size_report.sh $(CROSS_SIZE) $(foreach c,$(COMPILERS),"$(c)=$(strip $(xcc_$(c)) $(xsys_$(c)))") \
	    -- $(foreach b,$(BOARDS),"$(b):$(cpu_$(b))")

# --- tests --------------------------------------------------------------------
# host builds and checks first, then the same runner on every board
# the header compiled for every core by both compilers at -O0 and -Os too
# (the fast paths' inline assembly and intrinsics must build unoptimised)
OPT_CHECKS := $(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(foreach o,O0 Os,$(B)/optcheck/$(b)-$(c)-$(o).o)))
define OPT_CHECK
$(B)/optcheck/$(1)-$(2)-$(3).o: tests/impl.c attention.h | ports-deps
	@mkdir -p $$(@D)
	$(xcc_$(2)) $(cpu_$(1)) $(xcf_$(1)_$(2)) -$(3) $(XWARN) $(xsys_$(2)) -I. -c $$< -o $$@
endef
$(foreach b,$(BOARDS),$(foreach c,$(COMPILERS),$(foreach o,O0 Os,$(eval $(call OPT_CHECK,$(b),$(c),$(o))))))

test: $(TEST_BINS) $(B)/impl.o $(B)/impl-static.o $(B)/impl-nofloat.o $(B)/impl-noint8.o \
      examples $(BOARD_ELFS) $(DIGITS_ELFS) $(B)/qm-digits/digits_model_s8.h $(OPT_CHECKS)
	@sh tests/run_suite.sh $(B) $(BOARD_RUNS)

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
