#!/usr/bin/python3
"""tests/manifests/check.py BUILD_DIR - the package manifests, checked
without their tools (none of PlatformIO, Arduino, Zephyr or ESP-IDF runs
here). Run by tests/run_suite.sh; HOST_CXX names the C++ compiler and CMAKE
cmake. Each manifest parses, has its format's required fields, names files
that exist and carries attention.h's version (ATTN_VERSION_*); the ATTN_
options of attention.h's OPTIONS section are the ones the root
CMakeLists.txt and zephyr/Kconfig offer; zephyr/CMakeLists.txt and the root
CMakeLists.txt's ESP-IDF branch run under cmake -P with stand-ins for
Zephyr's and ESP-IDF's functions; the Arduino sketch builds as the Arduino
builder builds it (C++, Arduino.h first) against a stand-in Arduino.h and
runs; LICENSE is the header's licence text. Ends "N passed, N failed".

YAML: the manifests use a small subset (maps by indentation, "- " lists,
plain or double-quoted scalars, comments), parsed here; where PyYAML is
installed its reading must be the same."""
import glob
import json
import os
import re
import subprocess
import sys

B = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "build", "manifests")
os.makedirs(B, exist_ok=True)
CXX = os.environ.get("HOST_CXX", "g++")
CMAKE = os.environ.get("CMAKE", "cmake")
passed = failed = 0


def ck(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    return ok


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


header = read("attention.h")
ver = ".".join(re.search(r"^#define ATTN_VERSION_%s (\d+)$" % p, header, re.M).group(1)
               for p in ("MAJOR", "MINOR", "PATCH"))
print("attention.h version %s" % ver)


# --- a YAML subset ------------------------------------------------------------
def yaml_scalar(s):
    s = s.strip()
    if s.startswith('"'):
        if not (len(s) >= 2 and s.endswith('"')):
            raise ValueError("unterminated string: %s" % s)
        return s[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if s in ("", "~", "null"):
        return None
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    if s in ("true", "false"):
        return s == "true"
    if s[0] in "'[]{}&*!|>%@`":
        raise ValueError("outside the subset: %s" % s)
    return s


def yaml_load(text):
    lines = []
    for n, raw in enumerate(text.split("\n"), 1):
        if "\t" in raw[:len(raw) - len(raw.lstrip())]:
            raise ValueError("line %d: a tab in the indentation" % n)
        t = raw
        if not t.lstrip().startswith('"'):  # comments (not inside a quoted value)
            t = re.sub(r"(^|\s)#.*$", "", t)
        if t.strip():
            lines.append((len(t) - len(t.lstrip()), t.strip(), n))
    pos = [0]

    def block(indent):
        if pos[0] >= len(lines):
            return None
        ind, t, n = lines[pos[0]]
        if ind != indent:
            raise ValueError("line %d: indentation %d, expected %d" % (n, ind, indent))
        if t.startswith("- ") or t == "-":
            out = []
            while pos[0] < len(lines) and lines[pos[0]][0] == indent and lines[pos[0]][1].startswith("-"):
                item = lines[pos[0]][1][1:].strip()
                pos[0] += 1
                if item == "":
                    out.append(block(lines[pos[0]][0]) if pos[0] < len(lines) and lines[pos[0]][0] > indent else None)
                elif re.match(r"^[A-Za-z0-9_./-]+:( |$)", item):
                    raise ValueError("line %d: maps inside lists are outside the subset" % n)
                else:
                    out.append(yaml_scalar(item))
            return out
        out = {}
        while pos[0] < len(lines) and lines[pos[0]][0] == indent:
            ind, t, n = lines[pos[0]]
            m = re.match(r'^("?)([A-Za-z0-9_./-]+)\1:(?: (.*))?$', t)
            if not m:
                raise ValueError("line %d: not 'key: value': %s" % (n, t))
            key, val = m.group(2), m.group(3)
            if key in out:
                raise ValueError("line %d: duplicate key %s" % (n, key))
            pos[0] += 1
            if val is None or val.strip() == "":
                if pos[0] < len(lines) and lines[pos[0]][0] > indent:
                    out[key] = block(lines[pos[0]][0])
                elif pos[0] < len(lines) and lines[pos[0]][0] == indent and lines[pos[0]][1].startswith("- "):
                    out[key] = block(indent)  # a list at the key's own indentation
                else:
                    out[key] = None
            else:
                out[key] = yaml_scalar(val)
        return out

    doc = block(0)
    if pos[0] != len(lines):
        raise ValueError("line %d: left over" % lines[pos[0]][2])
    return doc


try:
    import yaml as pyyaml
except ImportError:
    pyyaml = None


def load_yaml(path):
    text = read(path)
    try:
        doc = yaml_load(text)
    except ValueError as e:
        ck(False, "%s: parses (%s)" % (path, e))
        return None
    if pyyaml is not None:
        ck(pyyaml.safe_load(text) == doc, "%s: parses, and PyYAML reads the same" % path)
    else:
        ck(isinstance(doc, dict), "%s: parses (no PyYAML here to compare with)" % path)
    return doc if isinstance(doc, dict) else None


def has(d, keys, path):
    missing = [k for k in keys if not (isinstance(d, dict) and d.get(k) not in (None, "", [], {}))]
    ck(not missing, "%s: has %s%s" % (path, ", ".join(keys), " (missing: %s)" % ", ".join(missing) if missing else ""))


def exists_all(paths, what):
    gone = [p for p in paths if not glob.glob(p)]
    ck(paths and not gone, "%s: the files it names exist (%s)%s" % (what, ", ".join(paths),
                                                                    " (missing: %s)" % ", ".join(gone) if gone else ""))


urls = {}
licences = {}

# --- PlatformIO: library.json ---------------------------------------------------
try:
    pio = json.loads(read("library.json"))
    ck(isinstance(pio, dict), "library.json: parses (JSON)")
except ValueError as e:
    pio = {}
    ck(False, "library.json: parses (JSON: %s)" % e)
has(pio, ["name", "version", "description", "keywords", "authors", "license", "repository",
          "frameworks", "platforms", "headers", "build"], "library.json")
ck(pio.get("version") == ver, "library.json: version %s is attention.h's %s" % (pio.get("version"), ver))
b = pio.get("build", {})
inc = b.get("includeDir", "include")
ck(os.path.isfile(os.path.join(inc, str(pio.get("headers")))),
   "library.json: headers (%s) is in build.includeDir (%s)" % (pio.get("headers"), inc))
# PlatformIO builds every source under srcDir that srcFilter lets through:
# the header-only library must let nothing through (tests/, tools/ and ports/
# hold programs with their own main)
flt = b.get("srcFilter")
ck(b.get("srcDir") == "." and flt in (["-<*>"], "-<*>"),
   "library.json: build.srcFilter excludes every source file (srcDir %s, srcFilter %s)" % (b.get("srcDir"), flt))
exists_all(pio.get("export", {}).get("include", []), "library.json export.include")
ex = pio.get("examples", [])
exists_all([os.path.join(e["base"], f) for e in ex for f in e.get("files", [])], "library.json examples")
ck(pio.get("repository", {}).get("type") == "git" and pio["repository"].get("url", "").startswith("https://"),
   "library.json: repository is git at an https URL")
urls["library.json homepage"] = pio.get("homepage")
licences["library.json"] = pio.get("license")

# --- Arduino: library.properties ------------------------------------------------
props, bad = {}, []
for n, line in enumerate(read("library.properties").split("\n"), 1):
    if not line.strip() or line.startswith("#"):
        continue
    m = re.match(r"^([a-z.]+)=(.*)$", line)
    if not m or m.group(1) in props:
        bad.append(n)
    else:
        props[m.group(1)] = m.group(2)
ck(not bad, "library.properties: key=value lines, each key once%s" % (" (bad lines: %s)" % bad if bad else ""))
has(props, ["name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url",
            "architectures", "includes"], "library.properties")
ck(props.get("version") == ver, "library.properties: version %s is attention.h's %s" % (props.get("version"), ver))
CATEGORIES = ["Display", "Communication", "Signal Input/Output", "Sensors", "Device Control", "Timing",
              "Data Storage", "Data Processing", "Other"]
ck(props.get("category") in CATEGORIES, "library.properties: category %r is one of Arduino's" % props.get("category"))
ck(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.-]*", props.get("name", "")) is not None and len(props.get("name", "")) <= 63,
   "library.properties: name is a valid Arduino library name")
exists_all([s.strip() for s in props.get("includes", "").split(",")], "library.properties includes")
# Arduino's layout: the library's sources in its root (no src/: the flat
# layout) hold no .c/.cpp file (nothing but the header is compiled)
ck(not os.path.isdir("src") and not glob.glob("*.c") and not glob.glob("*.cpp"),
   "library.properties: flat layout, no source file at the root beside attention.h")
sketches = sorted(glob.glob("examples/arduino/*/*.ino"))
ck(sketches and all(os.path.basename(os.path.dirname(s)) + ".ino" == os.path.basename(s) for s in sketches),
   "examples/arduino: each sketch in a folder of its own name (%s)" % ", ".join(sketches))
urls["library.properties url"] = props.get("url")
ck(pio.get("name") == props.get("name"), "library.json and library.properties name the same library")

# the sketch, as the Arduino builder compiles it: C++ (gnu++11, as the AVR
# core), Arduino.h included first; then linked with a main() that calls
# setup() and loop(), and run
for s in sketches:
    name = os.path.basename(s)[:-4]
    flags = ["-std=gnu++11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow", "-I.",
             "-Itests/manifests", "-include", "Arduino.h"]
    r = subprocess.run([CXX, "-fsyntax-only"] + flags + ["-x", "c++", s], capture_output=True, text=True)
    ck(r.returncode == 0, "%s: compiles as C++ against attention.h (%s -fsyntax-only)%s" % (s, CXX, "\n" + r.stderr if r.returncode else ""))
    exe = os.path.join(B, name)
    r = subprocess.run([CXX] + flags + ["-O1", "-x", "c++", s, "-x", "c++", "tests/manifests/arduino_main.cpp",
                                        "-lm", "-o", exe], capture_output=True, text=True)
    out = subprocess.run([exe], capture_output=True, text=True, timeout=60).stdout if r.returncode == 0 else r.stderr
    print(out.rstrip())
    ck(r.returncode == 0 and "%s: ok" % name in out.split("\n"),
       "%s: builds with a stand-in Arduino core and runs, printing '%s: ok'" % (s, name))

# --- ESP-IDF: idf_component.yml and the root CMakeLists.txt ---------------------
idf = load_yaml("idf_component.yml") or {}
has(idf, ["version", "description", "url", "license", "dependencies"], "idf_component.yml")
ck(str(idf.get("version")) == ver, "idf_component.yml: version %s is attention.h's %s" % (idf.get("version"), ver))
ck(isinstance(idf.get("dependencies"), dict) and "idf" in idf["dependencies"],
   "idf_component.yml: dependencies names the ESP-IDF version (idf)")
exists_all((idf.get("files") or {}).get("include", []), "idf_component.yml files.include")
urls["idf_component.yml url"] = idf.get("url")
licences["idf_component.yml"] = idf.get("license")
with open(os.path.join(B, "esp.cmake"), "w") as f:
    f.write('set(ESP_PLATFORM 1)\nset(registered "")\n'
            'macro(idf_component_register)\n  set(registered "${ARGN}")\nendmacro()\n'
            'include("%s/CMakeLists.txt")\nmessage("registered: ${registered}")\n' % os.getcwd())
r = subprocess.run([CMAKE, "-P", os.path.join(B, "esp.cmake")], capture_output=True, text=True)
ck(r.returncode == 0 and "registered: INCLUDE_DIRS;.\n" in r.stderr,
   "CMakeLists.txt under ESP-IDF (ESP_PLATFORM): idf_component_register(INCLUDE_DIRS \".\") and nothing else "
   "(cmake -P: %s)" % r.stderr.strip().replace("\n", " | "))

# --- Zephyr: zephyr/module.yml, zephyr/CMakeLists.txt, zephyr/Kconfig ----------
zm = load_yaml("zephyr/module.yml") or {}
zb = zm.get("build") or {}
ck(isinstance(zb, dict) and isinstance(zb.get("cmake"), str) and isinstance(zb.get("kconfig"), str),
   "zephyr/module.yml: build has cmake and kconfig")
ck(os.path.isfile(os.path.join(str(zb.get("cmake")), "CMakeLists.txt")) and os.path.isfile(str(zb.get("kconfig"))),
   "zephyr/module.yml: build.cmake (%s) holds a CMakeLists.txt, build.kconfig (%s) exists"
   % (zb.get("cmake"), zb.get("kconfig")))
kconfig = read("zephyr/Kconfig")
zcmake = re.sub(r"#.*", "", read("zephyr/CMakeLists.txt"))
ksyms = set(re.findall(r"^config (\w+)$", kconfig, re.M))
used = set(re.findall(r"CONFIG_(\w+)", zcmake))
ck(used and used <= ksyms and ksyms <= used,
   "zephyr: the CONFIG_ symbols zephyr/CMakeLists.txt reads are zephyr/Kconfig's (%s)" % ", ".join(sorted(used ^ ksyms) or ["all match"]))
ck(all(re.search(r"^config %s\n\t(bool|int) \"" % s, kconfig, re.M) for s in ksyms),
   "zephyr/Kconfig: each symbol has a type and a prompt")

# the options: attention.h's OPTIONS section (the object-like ones) = the root
# CMakeLists.txt's cache variables = zephyr's CONFIG_ATTENTION_* options
sec = header[header.index("   OPTIONS (define before the #include)"):header.index("   CONVENTIONS")]
opts = set(re.findall(r"^     (ATTN_[A-Z0-9_]+)(?= )", sec, re.M)) - {"ATTN_EXPF"}
root = read("CMakeLists.txt")
fe = re.search(r"foreach\(_attn_opt ([A-Z0-9_ ]+)\)", root).group(1).split()
cm = set("ATTN_" + o for o in fe) | ({"ATTN_ALIGN"} if "set(ATTN_ALIGN " in root else set())
cmo = set(re.findall(r"option\((ATTN_\w+) ", root)) | ({"ATTN_ALIGN"} if "set(ATTN_ALIGN " in root else set())
zo = set("ATTN_" + s[len("ATTENTION_"):] for s in ksyms if s != "ATTENTION")
want = opts - {"ATTN_ASSERT"}
ck(cm == want and cmo == want, "CMakeLists.txt: a cache variable for each of attention.h's options (%s; "
   "ATTN_ASSERT and the libm overrides are function-like)%s" % (" ".join(sorted(want)),
   " differ: %s" % " ".join(sorted((cm | cmo) ^ want)) if cm != want or cmo != want else ""))
ck(zo == want, "zephyr/Kconfig: a CONFIG_ATTENTION_ option for each%s" % (" (differ: %s)" % " ".join(sorted(zo ^ want)) if zo != want else ""))


def zephyr_run(configs):
    with open(os.path.join(B, "zephyr.cmake"), "w") as f:
        f.write('cmake_minimum_required(VERSION 3.14)\n')  # Zephyr's policies: if(y) is true
        f.write('set(CMAKE_CURRENT_LIST_DIR "%s/zephyr")\nset(incs "")\nset(defs "")\n' % os.getcwd())
        for k, v in configs.items():
            f.write("set(CONFIG_%s %s)\n" % (k, v))
        f.write('function(zephyr_include_directories)\n  set(incs "${incs};${ARGN}" PARENT_SCOPE)\nendfunction()\n'
                'macro(zephyr_compile_definitions)\n  list(APPEND defs ${ARGN})\nendmacro()\n'
                'macro(zephyr_compile_definitions_ifdef t)\n  if(${${t}})\n    zephyr_compile_definitions(${ARGN})\n'
                '  endif()\nendmacro()\n'
                'include("%s/zephyr/CMakeLists.txt")\nmessage("incs: ${incs}")\nmessage("defs: ${defs}")\n' % os.getcwd())
    r = subprocess.run([CMAKE, "-P", os.path.join(B, "zephyr.cmake")], capture_output=True, text=True)
    return r.returncode, r.stderr


rc, err = zephyr_run({"ATTENTION": "y", "ATTENTION_NO_BLOB": "y", "ATTENTION_NO_DSP": "y", "ATTENTION_ALIGN": "32"})
ck(rc == 0 and "incs: ;%s\n" % os.getcwd() in err and "defs: ATTN_NO_BLOB;ATTN_NO_DSP;ATTN_ALIGN=32\n" in err,
   "zephyr/CMakeLists.txt: CONFIG_ATTENTION=y, _NO_BLOB=y, _NO_DSP=y, _ALIGN=32: attention.h's directory "
   "and ATTN_NO_BLOB ATTN_NO_DSP ATTN_ALIGN=32 (cmake -P: %s)" % err.strip().replace("\n", " | "))
rc, err = zephyr_run({"ATTENTION_NO_BLOB": "y"})
ck(rc == 0 and "incs: \n" in err and "defs: \n" in err,
   "zephyr/CMakeLists.txt: without CONFIG_ATTENTION, nothing")

# --- one URL and one licence for all; LICENSE is the header's text --------------
ck(len(set(urls.values())) == 1 and None not in urls.values(),
   "the manifests name one URL (%s)" % "; ".join("%s %s" % kv for kv in urls.items()))
ck(set(licences.values()) == {"MIT OR Unlicense"}, "the manifests' licence: MIT OR Unlicense (SPDX)")
m = re.search(r"/\*\n(-{78}\nThis software is available under 2 licenses.*?)\*/\s*$", header, re.S)
ck(m is not None and read("LICENSE") == m.group(1), "LICENSE is the licence text at the end of attention.h")

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
