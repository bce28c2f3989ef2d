/* impl.c - the one file that defines the library and the digits models */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#define DIGITS_MODEL_IMPLEMENTATION
#include "digits_model.h"
#ifndef ATTN_NO_INT8
#define DIGITS_MODEL_S8_IMPLEMENTATION
#include "digits_model_s8.h"
#endif
