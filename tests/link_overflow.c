/* link_overflow.c - a program whose .bss alone is OVERFLOW_BYTES, more than
   the board's RAM leaves beside the stack it reserves: linking it must fail
   (tests/link_overflow.sh; make test). */
char big[OVERFLOW_BYTES];
char *volatile bp = big;
int main(void)
{
    bp[3] = 1;
    return bp[3];
}
