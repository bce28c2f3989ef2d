/* The one translation unit that holds the library's implementation. */
#define ATTN_IMPLEMENTATION
#include "attention.h"
