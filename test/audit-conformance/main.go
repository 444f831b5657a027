// audit-conformance decodes Tailgate's audit output with the apiserver's own audit.k8s.io types
// and codecs, strictly (an unknown or duplicated field is an error), and prints what the
// apiserver's encoder makes of it, so a test can compare the round trip with the input.
//
// Usage:
//
//	audit-conformance events <file.jsonl>   one Event per line (the file and stdout sinks)
//	audit-conformance list <file.json>      one EventList (the webhook sink's body)
//	audit-conformance policy <file.yaml>    one Policy, validated as kube-apiserver validates it
//
// Output: one JSON line per decoded object, re-encoded as audit.k8s.io/v1. The first decoding
// or validation failure is printed to stderr with its line, and the exit code is 1.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	"k8s.io/apiserver/pkg/apis/audit/install"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/apiserver/pkg/apis/audit/validation"
)

var (
	scheme  = runtime.NewScheme()
	strict  runtime.Decoder
	encoder runtime.Encoder
)

func init() {
	install.Install(scheme)
	codecs := serializer.NewCodecFactory(scheme, serializer.EnableStrict)
	strict = codecs.UniversalDecoder(auditv1.SchemeGroupVersion)
	// The encoder kube-apiserver's log backend uses (plugin/pkg/audit/log).
	encoder = serializer.NewCodecFactory(scheme).LegacyCodec(auditv1.SchemeGroupVersion)
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: audit-conformance events|list|policy <file>")
	}
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail("read %s: %v", os.Args[2], err)
	}
	switch os.Args[1] {
	case "events":
		decodeEvents(data)
	case "list":
		emit(decode(data, &auditinternal.EventList{}, "EventList"))
	case "policy":
		policy := decode(data, &auditinternal.Policy{}, "Policy").(*auditinternal.Policy)
		if errs := validation.ValidatePolicy(policy); len(errs) > 0 {
			fail("invalid policy: %v", errs.ToAggregate())
		}
		if len(policy.Rules) == 0 {
			fail("invalid policy: loaded illegal policy with 0 rules")
		}
		emit(policy)
	default:
		fail("unknown mode %q", os.Args[1])
	}
}

func decodeEvents(data []byte) {
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	line := 0
	for scanner.Scan() {
		line++
		if len(bytes.TrimSpace(scanner.Bytes())) == 0 {
			fail("line %d: empty line", line)
		}
		emit(decode(scanner.Bytes(), &auditinternal.Event{}, fmt.Sprintf("line %d", line)))
	}
	if err := scanner.Err(); err != nil {
		fail("scan: %v", err)
	}
}

// decode insists on the exact kind: a Policy must not pass as an Event, nor the other way round.
func decode(data []byte, into runtime.Object, what string) runtime.Object {
	obj, gvk, err := strict.Decode(data, nil, into)
	if err != nil {
		fail("%s: %v", what, err)
	}
	if gvk.GroupVersion() != auditv1.SchemeGroupVersion {
		fail("%s: decoded as %v, want %v", what, gvk, auditv1.SchemeGroupVersion)
	}
	return obj
}

func emit(obj runtime.Object) {
	out, err := runtime.Encode(encoder, obj)
	if err != nil {
		fail("encode: %v", err)
	}
	os.Stdout.Write(bytes.TrimRight(out, "\n"))
	os.Stdout.Write([]byte("\n"))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}
