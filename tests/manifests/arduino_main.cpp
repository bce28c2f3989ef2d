// arduino_main.cpp - what Arduino's core does with a sketch: setup, then loop
// (once here)
#include "Arduino.h"
HostSerial Serial;

int main()
{
    setup();
    loop();
    return 0;
}
