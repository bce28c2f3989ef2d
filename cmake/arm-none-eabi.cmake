# arm-none-eabi.cmake - a CMake toolchain file for bare-metal Cortex-M with
# GNU Arm's arm-none-eabi-gcc and newlib (Debian: gcc-arm-none-eabi,
# libnewlib-arm-none-eabi).
#   cmake -DCMAKE_TOOLCHAIN_FILE=path/to/attention.h/cmake/arm-none-eabi.cmake \
#         -DATTN_CPU=cortex-m4 [-DATTN_ARM_SPECS=rdimon.specs] ...
# ATTN_CPU: cortex-m0, cortex-m0plus, cortex-m3, cortex-m4, cortex-m7,
#   cortex-m33, cortex-m55 (default cortex-m4); each gets the Makefile's
#   flags for that core (-mthumb, its float ABI and FPU).
# ATTN_ARM_SPECS: newlib's specs for the link (default nosys.specs: no
#   system calls; rdimon.specs: semihosting, as ports/cortex-m's programs
#   use under QEMU; nano.specs: newlib-nano). Your startup code and linker
#   script are the project's own (target_link_options).
# ATTN_ARM_PREFIX: the tools' prefix (default arm-none-eabi-).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
# try_compile's projects see these too
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ATTN_CPU ATTN_ARM_SPECS ATTN_ARM_PREFIX)

if(NOT DEFINED ATTN_CPU OR ATTN_CPU STREQUAL "")
    set(ATTN_CPU cortex-m4)
endif()
if(NOT DEFINED ATTN_ARM_SPECS OR ATTN_ARM_SPECS STREQUAL "")
    set(ATTN_ARM_SPECS nosys.specs)
endif()
if(NOT DEFINED ATTN_ARM_PREFIX)
    set(ATTN_ARM_PREFIX arm-none-eabi-)
endif()

if(ATTN_CPU MATCHES "^cortex-m(0|0plus|3)$")
    set(_attn_fpu "-mfloat-abi=soft")
elseif(ATTN_CPU STREQUAL "cortex-m4")
    set(_attn_fpu "-mfloat-abi=hard -mfpu=fpv4-sp-d16")
elseif(ATTN_CPU STREQUAL "cortex-m7")
    set(_attn_fpu "-mfloat-abi=hard -mfpu=fpv5-d16")
elseif(ATTN_CPU STREQUAL "cortex-m33")
    set(_attn_fpu "-mfloat-abi=hard -mfpu=fpv5-sp-d16")
elseif(ATTN_CPU STREQUAL "cortex-m55")
    set(_attn_fpu "-mfloat-abi=hard")
else()
    message(FATAL_ERROR "arm-none-eabi.cmake: ATTN_CPU=${ATTN_CPU}: one of cortex-m0, "
                        "cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55")
endif()

set(CMAKE_C_COMPILER   ${ATTN_ARM_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${ATTN_ARM_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${ATTN_ARM_PREFIX}gcc)
set(CMAKE_AR           ${ATTN_ARM_PREFIX}ar)
set(CMAKE_OBJCOPY      ${ATTN_ARM_PREFIX}objcopy)
set(CMAKE_SIZE         ${ATTN_ARM_PREFIX}size)

set(_attn_cpu_flags "-mcpu=${ATTN_CPU} -mthumb ${_attn_fpu}")
set(CMAKE_C_FLAGS_INIT   "${_attn_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_attn_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_attn_cpu_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=${ATTN_ARM_SPECS} -Wl,--gc-sections")
# no program can link without the project's startup and linker script
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
