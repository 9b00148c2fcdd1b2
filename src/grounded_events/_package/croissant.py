"""MLCommons Croissant 1.0 metadata (croissant.json) for the data package's files."""

from __future__ import annotations

from typing import Any

from grounded_events._core.version import __version__
from grounded_events._package.datapackage import (
    ANNOTATION_LICENSE,
    CITATION,
    HOMEPAGE,
    NAME,
    TITLE,
    description,
    sha256,
)
from grounded_events._package.inputs import Files, Inputs
from grounded_events._schema.generate import table_schema
from grounded_events._schema.tables import TABLES

# The standard Croissant 1.0 @context (as in the examples of mlcommons/croissant datasets/1.0).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "samplingRate": "cr:samplingRate",
    "replace": "cr:replace",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

DATA_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "list": "sc:Text",
}


def croissant(inputs: Inputs, files: Files) -> dict[str, Any]:
    """The Croissant JSON-LD: one FileObject per file, one RecordSet per table (from Parquet)."""
    distribution = []
    for path in sorted(files):
        suffix = path.rpartition(".")[2]
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": path,
                "name": path,
                "contentUrl": path,
                "encodingFormat": {
                    "csv": "text/csv",
                    "parquet": "application/x-parquet",
                    "jsonl": "application/jsonlines",
                }.get(suffix, "application/octet-stream"),
                "sha256": sha256(files[path]),
            }
        )
    record_sets = []
    for name, table in TABLES.items():
        source = f"{name}.parquet"
        fields = []
        for fld in table_schema(TABLES[name])["fields"]:
            entry: dict[str, Any] = {
                "@type": "cr:Field",
                "@id": f"{name}/{fld['name']}",
                "name": fld["name"],
                "description": fld.get("description", fld["name"]),
                "dataType": DATA_TYPES[fld["type"]],
                "source": {"fileObject": {"@id": source}, "extract": {"column": fld["name"]}},
            }
            if fld["type"] == "list":
                entry["repeated"] = True
            fields.append(entry)
        record_set: dict[str, Any] = {
            "@type": "cr:RecordSet",
            "@id": name,
            "name": name,
            "description": table.title,
            "field": fields,
        }
        if len(table.primary_key) == 1:
            record_set["key"] = {"@id": f"{name}/{table.primary_key[0]}"}
        else:
            record_set["key"] = [{"@id": f"{name}/{k}"} for k in table.primary_key]
        record_sets.append(record_set)
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": NAME,
        "alternateName": TITLE,
        "description": description(inputs),
        "license": ANNOTATION_LICENSE["path"],
        "url": HOMEPAGE,
        "version": __version__,
        "datePublished": inputs.created[:10],
        "creator": [{"@type": "sc:Person", "name": n} for n in inputs.contributors],
        "keywords": ["event data", "political violence", "ACLED", "PLOVER", "CAMEO"],
        "citeAs": CITATION,
        "distribution": distribution,
        "recordSet": record_sets,
    }
