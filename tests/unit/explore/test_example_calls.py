"""The example call of every docstring is a call the client's own validation accepts."""

import ast

from talos_dynamic import Client
from talos_dynamic.explore.docs import skeleton_arguments

VECTORS = {
    "oneOf": [
        {"type": "array", "items": {"type": "number"}},
        {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
    ]
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/chat": {
            "post": {
                "operationId": "chat",
                "parameters": [
                    {
                        "name": "tags",
                        "in": "query",
                        "required": True,
                        "schema": {
                            "type": "array",
                            "minItems": 3,
                            "uniqueItems": True,
                            "items": {"enum": ["a", "b", "c"]},
                        },
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["messages", "embeddings", "shape"],
                                "properties": {
                                    "messages": {
                                        "type": "array",
                                        "minItems": 2,
                                        "uniqueItems": True,
                                        "items": {"type": "string", "pattern": "^[0-9]+$"},
                                    },
                                    "embeddings": VECTORS,
                                    "shape": {
                                        "oneOf": [
                                            {"type": "object", "properties": {"side": {"type": "number"}}},
                                            {
                                                "type": "object",
                                                "required": ["radius"],
                                                "properties": {"radius": {"type": "number"}},
                                            },
                                        ]
                                    },
                                    "points": {"type": "array", "minItems": 2, "uniqueItems": True, "items": VECTORS},
                                },
                            }
                        }
                    },
                },
                "responses": {"204": {"description": "done"}},
            }
        }
    },
}


def documented_call(op):
    call = ast.parse(op.__doc__.rstrip().splitlines()[-1].strip(), mode="eval").body
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords}


def test_example_calls_honour_unique_items_and_match_one_branch_of_a_one_of():
    client = Client(SPEC, base_url="http://127.0.0.1:9")
    example = documented_call(client.chat)
    assert len(set(example["messages"])) == 2 and sorted(example["tags"]) == ["a", "b", "c"]
    client.chat.prepare(**example)
    client.chat.prepare(**skeleton_arguments(client.chat.arguments))
    every = skeleton_arguments(client.chat.arguments, optional=True)
    assert len(every["points"]) == 2 and every["points"][0] != every["points"][1]
    client.chat.prepare(**every)
