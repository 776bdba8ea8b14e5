package signature_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/hookhub/hookhub/signature"
)

func Example() {
	secret, err := signature.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		panic(err)
	}
	key := signature.HMACKey(secret)
	signer := signature.NewSigner(key)

	ts := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	sig := signer.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body)

	h := http.Header{}
	signature.Headers(h, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, sig)
	fmt.Println(h.Get("webhook-signature"))

	err = signature.Verify([]signature.VerifyKey{key.VerifyKey()}, h, body, ts.Add(time.Minute), signature.DefaultTolerance)
	fmt.Println("verified:", err == nil)
	// Output:
	// v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
	// verified: true
}
