#!/usr/bin/env python3
"""Generates the wire records in org.openpcs.api.model from the bundled PCS Smithy model.

One record per structure reachable from an operation's input or output. Error structures are
left out: the error taxonomy in org.openpcs.api.error is written by hand. Run from the repo root:

    python3 api/codegen/gen_records.py && ./mvnw -q -B -pl api spotless:apply
"""
import json
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "src/main/resources/org/openpcs/api/pcs-service-model.json")
OUT = os.path.join(ROOT, "src/main/java/org/openpcs/api/model")
PACKAGE = "org.openpcs.api.model"

JAVA_KEYWORDS = set(
    """abstract assert boolean break byte case catch char class const continue default do double
    else enum extends final finally float for goto if implements import instanceof int interface
    long native new package private protected public return short static strictfp super switch
    synchronized this throw throws transient try void volatile while true false null record var
    yield sealed permits""".split()
)

# Smithy simple types -> Java types. Timestamps stay strings: the model uses
# @timestampFormat("date-time"), and passing the text through keeps the exact wire form.
SCALARS = {
    "string": "String",
    "enum": "String",
    "timestamp": "String",
    "blob": "String",
    "integer": "Integer",
    "intEnum": "Integer",
    "short": "Short",
    "byte": "Byte",
    "long": "Long",
    "boolean": "Boolean",
    "float": "Float",
    "double": "Double",
    "bigInteger": "java.math.BigInteger",
    "bigDecimal": "java.math.BigDecimal",
    "document": "com.fasterxml.jackson.databind.JsonNode",
}


def shape(shapes, sid):
    if sid in shapes:
        return shapes[sid]
    if sid.startswith("smithy.api#"):
        name = sid.split("#")[1]
        return {"type": name[0].lower() + name[1:]}
    raise KeyError(sid)


def simple(sid):
    return sid.split("#")[1]


def java_type(shapes, sid):
    s = shape(shapes, sid)
    t = s["type"]
    if t in SCALARS:
        return SCALARS[t]
    if t in ("list", "set"):
        return "List<%s>" % java_type(shapes, s["member"]["target"])
    if t == "map":
        return "Map<String, %s>" % java_type(shapes, s["value"]["target"])
    if t in ("structure", "union"):
        return simple(sid)
    raise ValueError("unsupported shape type %s for %s" % (t, sid))


def reachable(shapes):
    """Structures used by operations, each with the roles it plays (for the Javadoc)."""
    roles = {}
    todo = []
    for sid, s in shapes.items():
        if s["type"] != "operation":
            continue
        for role in ("input", "output"):
            target = s.get(role, {}).get("target")
            if target and target != "smithy.api#Unit":
                roles.setdefault(target, []).append("%s of {@code %s}" % (role, simple(sid)))
                todo.append(target)
    seen = set()
    while todo:
        sid = todo.pop()
        if sid in seen:
            continue
        seen.add(sid)
        s = shape(shapes, sid)
        for m in list(s.get("members", {}).values()) + [s[k] for k in ("member", "value") if k in s]:
            if shape(shapes, m["target"])["type"] != "enum":
                todo.append(m["target"])
    return {sid: roles.get(sid, []) for sid in seen if shape(shapes, sid)["type"] == "structure"}


def is_sensitive(shapes, member):
    return "smithy.api#sensitive" in member.get("traits", {}) or "smithy.api#sensitive" in shape(
        shapes, member["target"]
    ).get("traits", {})


def component_name(name):
    return name + "_" if name in JAVA_KEYWORDS else name


def render(shapes, sid, roles):
    s = shapes[sid]
    name = simple(sid)
    members = s.get("members", {})
    comps = []
    for mname, m in members.items():
        comps.append('@JsonProperty("%s") %s %s' % (mname, java_type(shapes, m["target"]), component_name(mname)))
    required = [n for n, m in members.items() if "smithy.api#required" in m.get("traits", {})]
    doc = ["Wire shape {@code %s}" % sid]
    doc[0] += (", " + ", ".join(roles) + ".") if roles else ", nested in a request or response."
    if required:
        doc.append("Required members: " + ", ".join("{@code %s}" % r for r in required) + ".")
    body = ""
    sensitive = [n for n, m in members.items() if is_sensitive(shapes, m)]
    if sensitive:
        # Adjacent literals are merged so the generated toString reads like a hand-written one.
        tokens = [["lit", name + "["]]
        for i, n in enumerate(members):
            lit = (", " if i else "") + n + "="
            if n in sensitive:
                lit += "*** Sensitive Data Redacted ***"
            if tokens[-1][0] == "lit":
                tokens[-1][1] += lit
            else:
                tokens.append(["lit", lit])
            if n not in sensitive:
                tokens.append(["expr", component_name(n)])
        if tokens[-1][0] == "lit":
            tokens[-1][1] += "]"
        else:
            tokens.append(["lit", "]"])
        expr = " + ".join(json.dumps(v) if k == "lit" else v for k, v in tokens)
        body = (
            "\n  /** Redacts the members the model marks {@code @sensitive}, so they never reach a log. */\n"
            "  @Override\n  public String toString() {\n    return %s;\n  }\n" % expr
        )
    text = "".join(
        [
            "// Generated by api/codegen/gen_records.py from the PCS Smithy model. Do not edit by hand.\n",
            "package %s;\n\n" % PACKAGE,
            "import com.fasterxml.jackson.annotation.JsonInclude;\n",
            "import com.fasterxml.jackson.annotation.JsonProperty;\n" if comps else "",
            "import java.util.List;\n" if any("List<" in c for c in comps) else "",
            "import java.util.Map;\n" if any("Map<" in c for c in comps) else "",
            "\n/**\n * " + "\n *\n * <p>".join(doc) + "\n */\n",
            "@JsonInclude(JsonInclude.Include.NON_NULL)\n",
            "public record %s(%s) {%s}\n" % (name, ", ".join(comps), body),
        ]
    )
    return name, text


def main():
    shapes = json.load(open(MODEL))["shapes"]
    structures = {
        sid: roles
        for sid, roles in reachable(shapes).items()
        if "smithy.api#error" not in shapes[sid].get("traits", {})
    }
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for sid in sorted(structures):
        name, text = render(shapes, sid, sorted(structures[sid]))
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(text)
    print("wrote %d records to %s" % (len(structures), OUT))


if __name__ == "__main__":
    main()
