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
TEST_SRC := tests/main.c tests/test_golden.c tests/test_props.c tests/test_bad_input.c
TEST_DEP := $(TEST_SRC) tests/impl.c tests/check.h tests/golden/golden.h \
            tests/golden/golden_data.h attention.h
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
$(B)/test-cxx: $(TEST_DEP) $(B)/impl-cxx.o | $(B)
	$(HOST_CC) $(WARN) -O2 -I. -Itests -c tests/main.c -o $(B)/main-cxx.o
	$(HOST_CC) $(WARN) -O2 -I. -Itests -c tests/test_golden.c -o $(B)/golden-cxx.o
	$(HOST_CC) $(WARN) -O2 -I. -Itests -c tests/test_props.c -o $(B)/props-cxx.o
	$(HOST_CC) $(WARN) -O2 -I. -Itests -c tests/test_bad_input.c -o $(B)/bad-cxx.o
	$(HOST_CXX) $(B)/main-cxx.o $(B)/golden-cxx.o $(B)/props-cxx.o $(B)/bad-cxx.o \
	    $(B)/impl-cxx.o -lm -o $@

# --- compile-only checks of the header -----------------------------------------
$(B)/impl.o: tests/impl.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. -c tests/impl.c -o $@
$(B)/impl-static.o: tests/impl.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. -DATTN_STATIC -Wno-unused-function -c tests/impl.c -o $@
$(B)/impl-nofloat.o: tests/impl.c attention.h | $(B)
	$(CLANG) $(WARN) -O2 -I. -DATTN_NO_FLOAT -c tests/impl.c -o $@

# --- examples -----------------------------------------------------------------
$(B)/minimal: examples/minimal.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. $< -lm -o $@
$(B)/demo: examples/demo.c attention.h | $(B)
	$(HOST_CC) $(WARN) -O2 -I. $< -lm -o $@
examples: $(B)/minimal $(B)/demo

demo: $(B)/demo
	./$(B)/demo

# --- tests --------------------------------------------------------------------
test: $(TEST_BINS) $(B)/impl.o $(B)/impl-static.o $(B)/impl-nofloat.o examples
	@sh tests/run_suite.sh $(B)

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
stack:
	@sh tools/stack_usage.sh $(CROSS_CC) "M4F -O2:$(M4F_FLAGS) -O2" "M4F -Os:$(M4F_FLAGS) -Os" \
	    "M0 -O2:$(M0_FLAGS) -O2" "M0 -Os:$(M0_FLAGS) -Os"
