/* Arduino.h - the little of Arduino's core that examples/arduino's
   sketches use, for building them on the host (tests/manifests/check.sh):
   Serial prints to stdout; main() runs setup() and loop() once, as the
   Arduino builder's generated .cpp and the core's main do on a board. */
#ifndef ARDUINO_H_STUB
#define ARDUINO_H_STUB
#include <stdint.h>
#include <stdio.h>

class HostSerial {
public:
    void begin(unsigned long baud) { (void)baud; }
    void print(const char *s) { fputs(s, stdout); }
    void println(const char *s) { puts(s); }
    void println(double x, int digits) { printf("%.*f\n", digits, x); }
};
extern HostSerial Serial; /* (arduino_main.cpp) */

void setup();
void loop();
#endif
