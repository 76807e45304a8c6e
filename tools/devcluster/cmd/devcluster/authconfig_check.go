package main

import (
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apiserver/pkg/apis/apiserver"
	"k8s.io/apiserver/pkg/apis/apiserver/install"
	"k8s.io/apiserver/pkg/apis/apiserver/validation"
	authenticationcel "k8s.io/apiserver/pkg/authentication/cel"
)

// The kube-apiserver reads --authentication-config with a scheme of its own
// config group and strict decoding (unknown or duplicate fields are errors);
// these checks use the same, so a file that passes here starts an apiserver.
var (
	authConfigScheme = runtime.NewScheme()
	authConfigCodecs = serializer.NewCodecFactory(authConfigScheme, serializer.EnableStrict)
)

func init() {
	install.Install(authConfigScheme)
}

// cmdCheckAuthConfig decodes each file as an AuthenticationConfiguration of
// apiserver.config.k8s.io/v1 and validates it as kube-apiserver does at
// start-up; it names every problem of every file and fails if there is one.
func cmdCheckAuthConfig(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("check-auth-config needs at least one FILE")
	}
	failed := 0
	for _, file := range args {
		problems := checkAuthConfigFile(file)
		if len(problems) == 0 {
			fmt.Printf("%s: valid AuthenticationConfiguration\n", file)
			continue
		}
		failed++
		for _, problem := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", file, problem)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files are not a valid AuthenticationConfiguration", failed, len(args))
	}
	return nil
}

func checkAuthConfigFile(file string) []string {
	data, err := os.ReadFile(file)
	if err != nil {
		return []string{err.Error()}
	}
	if len(data) == 0 {
		return []string{"empty file"}
	}
	_, gvk, err := authConfigCodecs.UniversalDeserializer().Decode(data, nil, nil)
	if err != nil {
		return []string{fmt.Sprintf("decoding: %v", err)}
	}
	if gvk.Group != "apiserver.config.k8s.io" || gvk.Version != "v1" || gvk.Kind != "AuthenticationConfiguration" {
		return []string{fmt.Sprintf("expected apiVersion apiserver.config.k8s.io/v1, kind AuthenticationConfiguration; got %s", gvk)}
	}
	decoded, err := runtime.Decode(authConfigCodecs.UniversalDecoder(), data)
	if err != nil {
		return []string{fmt.Sprintf("decoding: %v", err)}
	}
	config, ok := decoded.(*apiserver.AuthenticationConfiguration)
	if !ok || config == nil {
		return []string{fmt.Sprintf("expected AuthenticationConfiguration, got %T", decoded)}
	}
	var problems []string
	for _, e := range validation.ValidateAuthenticationConfiguration(authenticationcel.NewDefaultCompiler(), config, nil) {
		problems = append(problems, e.Error())
	}
	return problems
}
